using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using DurableTask.AzureStorage;
using EeFunctions.DurableTask;
using EeFunctions.DurableTask.TestWorker;

// Settings come from the environment as the host's do (AzureWebJobsStorage, AzureFunctionsJobHost__extensions__durableTask__*).
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
var connection = builder.Configuration["AzureWebJobsStorage"] ?? throw new InvalidOperationException("AzureWebJobsStorage is not set.");
builder.Services.AddDurableTaskOnAzureStorage(builder.Configuration, _ => new StorageAccountClientProvider(connection));
builder.Services.AddSingleton<IDurableTaskContributor, TestWorkerTasks>();
var host = builder.Build();
await host.StartAsync();
if (await host.Services.GetRequiredService<TaskHubStartup>().WaitUntilReadyAsync(CancellationToken.None))
{
    Console.WriteLine("worker ready");
}

await host.WaitForShutdownAsync();
