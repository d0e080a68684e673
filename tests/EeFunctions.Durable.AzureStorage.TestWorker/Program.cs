using System.Globalization;
using System.Runtime.InteropServices;
using EeFunctions.Durable;
using EeFunctions.Durable.AzureStorage;
using EeFunctions.Durable.AzureStorage.TestWorker;
using EeFunctions.Durable.Worker;
using Microsoft.Extensions.Logging;

// A durable worker process on an Azure Storage task hub, for multi-process tests. It runs until SIGTERM (graceful stop) or
// SIGKILL (the crash under test). It prints "ready" once it polls.
var connectionString = Environment.GetEnvironmentVariable("EEF_CONNECTION_STRING")
    ?? throw new InvalidOperationException("Set EEF_CONNECTION_STRING.");
var hub = Environment.GetEnvironmentVariable("EEF_HUB") ?? throw new InvalidOperationException("Set EEF_HUB.");
var partitions = int.Parse(Environment.GetEnvironmentVariable("EEF_PARTITIONS") ?? "4", CultureInfo.InvariantCulture);

using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var options = TestWorkerTasks.Options(connectionString, hub, partitions);
await using var backend = new AzureStorageOrchestrationBackend(options, loggerFactory: loggers);
var registry = new DurableTaskRegistry();
TestWorkerTasks.Register(registry);
await using var worker = new DurableTaskWorker(
    backend,
    registry,
    new DurableTaskWorkerOptions { MaxConcurrentActivityFunctions = 16, MaxConcurrentOrchestratorFunctions = 8 },
    loggerFactory: loggers);

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
await backend.EnsureCreatedAsync(stop.Token);
await worker.StartAsync(CancellationToken.None);
Console.WriteLine("ready");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // SIGTERM.
}

using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
await worker.StopAsync(grace.Token);
Console.WriteLine("stopped");
