using EeFunctions.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EeFunctions.App.Tests;

/// <summary>The settings every in-process host under test needs, on the assembly's Azurite.</summary>
internal static class TestSettings
{
    public const string SystemKey = "test-system-key-0123456789abcdef";

    public static Dictionary<string, string> For(AzuriteFixture azurite) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["DurableTask:SystemKey"] = SystemKey,

        // Hosts under test that are not about blob drops do not run the WebJobs blob trigger.
        ["EarthEngine:DropEnabled"] = "false",

        // A hub of its own per host, so hosts under test never wait for each other's partition leases.
        ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = "Test" + Guid.NewGuid().ToString("N")[..12],
        ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval"] = "00:00:01",
    };

    public static WebApplicationFactory<Program> Host(AzuriteFixture azurite, Action<IWebHostBuilder>? configure = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in For(azurite))
            {
                b.UseSetting(key, value);
            }

            configure?.Invoke(b);
        });
}
