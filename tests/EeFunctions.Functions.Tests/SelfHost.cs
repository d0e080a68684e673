using EeFunctions.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EeFunctions.Functions.Tests;

/// <summary>The self-host in process on the assembly's Azurite: the reference the Functions app is compared with.</summary>
public sealed class SelfHost : IAsyncLifetime
{
    public const string SigningKey = "ZGV2LW9ubHktZWUtc2lnbmluZy1rZXktY2hhbmdlLW1lLTAxMjM0NTY3ODk=";

    private readonly AzuriteFixture _azurite = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();

        // The Functions app's own host.json is copied beside these tests (it is the referenced app's content); the
        // self-host must read the repository's, as `make run` does.
        Environment.SetEnvironmentVariable("AzureWebJobsScriptRoot", RepoPaths.Root);
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("AzureWebJobsStorage", _azurite.ConnectionString);
            b.UseSetting("DurableTask:SystemKey", "test-system-key-0123456789abcdef");
            b.UseSetting("EarthEngine:DropEnabled", "false");
            b.UseSetting("EarthEngine:Auth:SigningKey", SigningKey);
            b.UseSetting("AzureFunctionsJobHost:extensions:durableTask:hubName", "Fn" + Guid.NewGuid().ToString("N")[..12]);
            b.UseSetting("AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval", "00:00:01");
        });
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
