using Azure.Core.Serialization;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Hosting;
using EeFunctions.App.ImportApi;
using EeFunctions.DurableTask;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EeFunctions.Functions;

/// <summary>
/// The Functions host runs the Durable engine and serves the Durable HTTP API; this worker runs the application's
/// functions. host.json is read here too, for the task hub's name and settings that the request-id starter shares.
/// </summary>
internal static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Configuration.AddFunctionsSettings(AppContext.BaseDirectory);

        // Payloads as the self-host writes them (camelCase, NaN and infinities as literals).
        builder.Services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(DurableJson.Options));
        builder.Services.AddFunctionsHost(builder.Configuration);
        builder.Services.AddEarthEngine(builder.Configuration);
        builder.Services.AddImportApi(builder.Configuration);
        builder.Services.AddOrchestrationStarterOnAzureStorage(builder.Configuration, sp => sp.GetRequiredService<StorageConnection>().CreateTaskHubProvider());
        await builder.Build().RunAsync();
    }
}
