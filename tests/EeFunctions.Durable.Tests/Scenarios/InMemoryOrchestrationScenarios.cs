using EeFunctions.Durable.Backend;
using EeFunctions.Durable.InMemory;
using EeFunctions.Durable.Worker;

namespace EeFunctions.Durable.Tests.Scenarios;

/// <summary>The scenario suite on the in-memory backend.</summary>
public sealed class InMemoryOrchestrationScenarios : OrchestrationScenarios
{
    protected override IOrchestrationBackend CreateBackend(TimeProvider timeProvider) => new InMemoryOrchestrationBackend(timeProvider);
}

/// <summary>
/// The scenario suite on the in-memory backend with the worker's instance cache disabled: every episode rebuilds the
/// orchestrator by replaying its full history, so each scenario also checks that replay reproduces the live run.
/// </summary>
public sealed class InMemoryReplayOnlyOrchestrationScenarios : OrchestrationScenarios
{
    protected override IOrchestrationBackend CreateBackend(TimeProvider timeProvider) => new InMemoryOrchestrationBackend(timeProvider);

    protected override void ConfigureWorker(DurableTaskWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MaxCachedOrchestrations = 0;
    }
}
