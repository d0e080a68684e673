namespace EeFunctions.Testing;

/// <summary>
/// One Azurite per test assembly: started on first use, stopped when the test process exits.
/// Tests isolate themselves by using unique container, queue and table names.
/// </summary>
public static class SharedAzurite
{
    private static readonly Lazy<Task<AzuriteInstance>> s_instance = new(StartAsync);

    public static Task<AzuriteInstance> GetAsync() => s_instance.Value;

    private static async Task<AzuriteInstance> StartAsync()
    {
        var instance = await AzuriteInstance.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => instance.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return instance;
    }
}
