using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using DtfxTaskActivity = DurableTask.Core.TaskActivity;

namespace EeFunctions.DurableTask;

/// <summary>
/// The Durable Task SDK's worker on DTFx: a <see cref="TaskHubWorker"/> over the configured <see cref="IOrchestrationService"/>
/// whose orchestrations and activities are the registry's, wrapped by the SDK's own <see cref="DurableTaskShimFactory"/>.
/// Concurrency comes from the orchestration service's settings. Stopping lets work in flight finish (DTFx abandons what
/// does not finish in time, and another worker takes it up).
/// </summary>
public sealed partial class ShimDurableTaskWorker : DurableTaskWorker
{
    private readonly IOrchestrationService _service;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly DurableTaskShimFactory _shims;
    private readonly TaskHubStartup _startup;
    private readonly DeliveryGuard _guard;
    private TaskHubWorker? _worker;

    public ShimDurableTaskWorker(
        string name,
        IDurableTaskFactory factory,
        IOptionsMonitor<DurableTaskWorkerOptions> options,
        IOrchestrationService service,
        TaskHubStartup startup,
        DeliveryGuard guard,
        IServiceProvider services,
        ILoggerFactory loggerFactory)
        : base(name, factory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _service = service;
        _startup = startup;
        _guard = guard;
        _services = services;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ShimDurableTaskWorker>();
        _shims = new DurableTaskShimFactory(options.Get(name), loggerFactory);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await _startup.WaitUntilReadyAsync(stoppingToken))
        {
            return;
        }

        var worker = new TaskHubWorker(_service, new OrchestrationCreator(this), new ActivityCreator(this), _loggerFactory);
        worker.AddActivityDispatcherMiddleware(_guard.GuardActivityAsync);
        worker.AddOrchestrationDispatcherMiddleware(_guard.GuardOrchestrationAsync);
        worker.AddOrchestrationDispatcherMiddleware(ParentAwareOrchestration.SetParentAsync);
        await worker.StartAsync();
        _worker = worker;
        LogStarted(_logger, Name);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync drains the dispatchers.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Interlocked.Exchange(ref _worker, null) is { } worker)
        {
            LogStopping(_logger, Name);
            await worker.StopAsync(isForced: false);
        }
    }

    private ParentAwareOrchestration? CreateOrchestration(string name)
    {
        if (!Factory.TryCreateOrchestrator(name, _services, out var orchestrator))
        {
            return null;
        }

        return new ParentAwareOrchestration(name, orchestrator, _shims);
    }

    private DtfxTaskActivity? CreateActivity(string name) =>
        Factory.TryCreateActivity(name, _services, out var activity) ? _shims.CreateActivity(name, activity) : null;

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "worker {WorkerName}: dispatching orchestrations and activities")]
    private static partial void LogStarted(ILogger logger, string workerName);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "worker {WorkerName}: stopping, letting work in flight finish")]
    private static partial void LogStopping(ILogger logger, string workerName);

    /// <summary>Creates orchestrations on demand from the registry (DTFx asks by name for each work item).</summary>
    private sealed class OrchestrationCreator(ShimDurableTaskWorker owner) : INameVersionObjectManager<TaskOrchestration>
    {
        public void Add(ObjectCreator<TaskOrchestration> creator) =>
            throw new NotSupportedException("Orchestrations come from the Durable Task registry.");

        public TaskOrchestration? GetObject(string name, string? version) => owner.CreateOrchestration(name);
    }

    /// <summary>Creates activities on demand from the registry.</summary>
    private sealed class ActivityCreator(ShimDurableTaskWorker owner) : INameVersionObjectManager<DtfxTaskActivity>
    {
        public void Add(ObjectCreator<DtfxTaskActivity> creator) =>
            throw new NotSupportedException("Activities come from the Durable Task registry.");

        public DtfxTaskActivity? GetObject(string name, string? version) => owner.CreateActivity(name);
    }
}
