using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EeFunctions.Durable.Worker;

/// <summary>
/// The hosted worker: an orchestration dispatcher and an activity dispatcher over an <see cref="IOrchestrationBackend"/>, each
/// with a fixed number of slots. Stopping is graceful: no new work is locked, in-flight work finishes; when the stop token
/// fires first, running activities are cancelled and released for redelivery.
/// </summary>
public sealed class DurableTaskWorker : IHostedService, IAsyncDisposable
{
    private readonly IOrchestrationBackend _backend;
    private readonly DurableTaskRegistry _registry;
    private readonly DurableTaskWorkerOptions _options;
    private readonly DataConverter _converter;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IServiceProvider? _services;
    private readonly OrchestrationProcessor _processor;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _stopGate = new();
    private Task[] _loops = [];
    private Task? _stopTask;
    private int _state;
    private int _disposed;

    /// <summary>Creates a worker.</summary>
    /// <param name="backend">Where work comes from.</param>
    /// <param name="registry">The orchestrators and activities this worker runs.</param>
    /// <param name="options">Concurrency and timer options; defaults when null.</param>
    /// <param name="dataConverter">Payload serialization; camelCase JSON when null.</param>
    /// <param name="timeProvider">The clock (episode times, timers); the system clock when null.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="services">Passed to task factories of the registry.</param>
    public DurableTaskWorker(
        IOrchestrationBackend backend,
        DurableTaskRegistry registry,
        DurableTaskWorkerOptions? options = null,
        DataConverter? dataConverter = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(registry);
        _backend = backend;
        _registry = registry;
        _options = options ?? new DurableTaskWorkerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentActivityFunctions, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentOrchestratorFunctions, 1, nameof(options));
        _converter = dataConverter ?? JsonDataConverter.Default;
        _timeProvider = timeProvider ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<DurableTaskWorker>();
        _services = services;
        _processor = new OrchestrationProcessor(registry, _converter, _timeProvider, _options, loggerFactory, services);
    }

    /// <summary>How many instances the worker holds in its replay cache.</summary>
    public int CachedInstanceCount => _processor.CachedInstanceCount;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The worker was already started.");
        }

        var loops = new List<Task>();
        for (var i = 0; i < _options.MaxConcurrentOrchestratorFunctions; i++)
        {
            loops.Add(Task.Run(OrchestrationLoopAsync, CancellationToken.None));
        }

        for (var i = 0; i < _options.MaxConcurrentActivityFunctions; i++)
        {
            loops.Add(Task.Run(ActivityLoopAsync, CancellationToken.None));
        }

        _loops = [.. loops];
        _logger.WorkerStarted(_options.MaxConcurrentOrchestratorFunctions, _options.MaxConcurrentActivityFunctions);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every caller (the host, then the container's dispose) waits for the same stop; each caller's token, when it fires,
    /// cancels running activities so that they are released for redelivery.
    /// </remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _state) == 0)
        {
            return;
        }

        Task stop;
        lock (_stopGate)
        {
            stop = _stopTask ??= StopCoreAsync();
        }

        using (cancellationToken.Register(static state => ((DurableTaskWorker)state!).Abort(), this))
        {
            await stop;
        }
    }

    /// <summary>Stops at once (running activities are cancelled and released for redelivery) and releases resources.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(new CancellationToken(canceled: true));
        _stopping.Dispose();
        _abort.Dispose();
    }

    private async Task StopCoreAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops);
        _processor.EvictAll();
        _logger.WorkerStopped();
    }

    private void Abort()
    {
        lock (_stopGate)
        {
            if (Volatile.Read(ref _disposed) == 0 || _stopTask is { IsCompleted: false })
            {
                _abort.Cancel();
            }
        }
    }

    private async Task OrchestrationLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            OrchestrationWorkItem? workItem;
            try
            {
                workItem = await _backend.LockNextOrchestrationWorkItemAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A backend fault must not kill the dispatcher; it is logged and retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LoopFailed("orchestration", ex);
                await PauseAsync();
                continue;
            }

            if (workItem is not null)
            {
                await ProcessOrchestrationAsync(workItem);
            }
        }
    }

    private async Task ProcessOrchestrationAsync(OrchestrationWorkItem workItem)
    {
        try
        {
            var checkpoint = _processor.Process(workItem);
            if (!await _backend.CompleteOrchestrationWorkItemAsync(workItem, checkpoint, CancellationToken.None))
            {
                _logger.CheckpointRejected(workItem.InstanceId);
                _processor.Evict(workItem.InstanceId);
            }
        }
#pragma warning disable CA1031 // An unexpected fault in one episode must not stop the worker: the work item is released.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.EpisodeFailed(workItem.InstanceId, ex);
            _processor.Evict(workItem.InstanceId);
            try
            {
                await _backend.AbandonOrchestrationWorkItemAsync(workItem, CancellationToken.None);
            }
#pragma warning disable CA1031 // The lock expires on its own when the abandon fails too.
            catch (Exception abandonError)
#pragma warning restore CA1031
            {
                _logger.LoopFailed("orchestration", abandonError);
            }

            await PauseAsync();
        }
    }

    private async Task ActivityLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            ActivityWorkItem? workItem;
            try
            {
                workItem = await _backend.LockNextActivityWorkItemAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A backend fault must not kill the dispatcher; it is logged and retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LoopFailed("activity", ex);
                await PauseAsync();
                continue;
            }

            if (workItem is not null)
            {
                await ExecuteActivityAsync(workItem);
            }
        }
    }

    private async Task ExecuteActivityAsync(ActivityWorkItem workItem)
    {
        var message = workItem.Message;
        var scheduled = workItem.Event;
        HistoryEvent result;
        try
        {
            if (!_registry.TryCreateActivity(scheduled.Name, _services, out var activity))
            {
                throw new InvalidOperationException($"No activity named '{scheduled.Name}' is registered.");
            }

            var input = _converter.Deserialize(scheduled.Input, activity!.InputType);
            var context = new ActivityContext(scheduled.Name, message.InstanceId, _abort.Token);
            var output = await activity.RunAsync(context, input);
            result = new TaskCompletedEvent(_timeProvider.GetUtcNow().UtcDateTime, scheduled.EventId, _converter.Serialize(output));
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            _logger.ActivityAbandoned(message.InstanceId, scheduled.Name, scheduled.EventId);
            await TryAsync(() => _backend.AbandonActivityWorkItemAsync(workItem, CancellationToken.None));
            return;
        }
#pragma warning disable CA1031 // Activity failures travel to the orchestration as TaskFailureDetails.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var details = TaskFailureDetails.FromException(ex);
            _logger.ActivityFailed(message.InstanceId, scheduled.Name, scheduled.EventId, details.ToString());
            result = new TaskFailedEvent(_timeProvider.GetUtcNow().UtcDateTime, scheduled.EventId, details);
        }

        var resultMessage = TaskMessage.Create(message.InstanceId, message.ExecutionId, result);
        await TryAsync(() => _backend.CompleteActivityWorkItemAsync(workItem, resultMessage, CancellationToken.None));
    }

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
#pragma warning disable CA1031 // The backend redelivers the activity when its lock expires.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LoopFailed("activity", ex);
        }
    }

    private async Task PauseAsync()
    {
        try
        {
            await Task.Delay(_options.ErrorBackoff, _timeProvider, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private sealed class ActivityContext(string name, string instanceId, CancellationToken cancellationToken) : TaskActivityContext
    {
        public override string Name { get; } = name;

        public override string InstanceId { get; } = instanceId;

        public override CancellationToken CancellationToken { get; } = cancellationToken;
    }
}
