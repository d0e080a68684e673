namespace EeFunctions.Testing;

/// <summary>
/// xunit fixture over the assembly's shared Azurite (see <see cref="SharedAzurite"/>); use it as a class or
/// collection fixture. It also hands out unique resource names so tests never collide.
/// </summary>
public sealed class AzuriteFixture : Xunit.IAsyncLifetime
{
    private AzuriteInstance? _azurite;

    public AzuriteInstance Azurite => _azurite ?? throw new InvalidOperationException("The fixture is not initialised.");

    public string ConnectionString => Azurite.ConnectionString;

    /// <summary>A unique lower-case name valid for containers, queues and (without dashes) tables.</summary>
    public static string UniqueName(string prefix) => (prefix + Guid.NewGuid().ToString("N")[..16]).ToLowerInvariant();

    public async Task InitializeAsync() => _azurite = await SharedAzurite.GetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
