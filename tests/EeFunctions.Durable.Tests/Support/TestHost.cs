using EeFunctions.Durable.Backend;
using EeFunctions.Durable.Client;
using EeFunctions.Durable.History;
using EeFunctions.Durable.Worker;

namespace EeFunctions.Durable.Tests.Support;

/// <summary>A backend, a worker on it and a client: what one scenario runs against.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly List<DurableTaskWorker> _workers = [];

    private readonly Action<DurableTaskWorkerOptions>? _configureWorker;

    public TestHost(IOrchestrationBackend backend, TimeProvider timeProvider, Action<DurableTaskWorkerOptions>? configureWorker = null)
    {
        _configureWorker = configureWorker;
        Backend = backend;
        TimeProvider = timeProvider;
        Client = new BackendDurableTaskClient(backend, timeProvider: timeProvider);
    }

    public IOrchestrationBackend Backend { get; }

    public TimeProvider TimeProvider { get; }

    public DurableTaskClient Client { get; }

    public FakeTimeProvider FakeClock => TimeProvider as FakeTimeProvider
        ?? throw new InvalidOperationException("This host runs on the system clock.");

    /// <summary>Starts a worker with <paramref name="tasks"/>; several workers may share the backend.</summary>
    public async Task<DurableTaskWorker> StartWorkerAsync(
        Action<DurableTaskRegistry> tasks,
        DurableTaskWorkerOptions? options = null,
        Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        var registry = new DurableTaskRegistry();
        tasks(registry);
        options ??= new DurableTaskWorkerOptions { MaxConcurrentActivityFunctions = 8, MaxConcurrentOrchestratorFunctions = 4 };
        _configureWorker?.Invoke(options);
        var worker = new DurableTaskWorker(
            Backend,
            registry,
            options,
            timeProvider: TimeProvider,
            loggerFactory: loggerFactory);
        _workers.Add(worker);
        await worker.StartAsync(CancellationToken.None);
        return worker;
    }

    /// <summary>
    /// On a virtual clock: advances time to each pending durable timer until the instance is terminal. Pending timers are read
    /// from history (TimerCreated without TimerFired), so this works on any backend.
    /// </summary>
    public async Task<OrchestrationMetadata> RunTimersUntilCompletedAsync(string instanceId, CancellationToken cancellationToken)
    {
        var clock = FakeClock;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var metadata = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            if (metadata is { IsCompleted: true })
            {
                return metadata;
            }

            var history = await Client.GetOrchestrationHistoryAsync(instanceId, cancellationToken);
            var fired = history.OfType<TimerFiredEvent>().Select(e => e.TimerId).ToHashSet();
            var nextDue = history.OfType<TimerCreatedEvent>()
                .Where(t => !fired.Contains(t.EventId))
                .Select(t => (DateTime?)t.FireAt)
                .Min();
            if (nextDue is { } due && due > clock.GetUtcNow().UtcDateTime)
            {
                clock.AdvanceTo(new DateTimeOffset(due, TimeSpan.Zero));
            }
            else
            {
                await Task.Delay(5, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        (Backend as IDisposable)?.Dispose();
    }
}
