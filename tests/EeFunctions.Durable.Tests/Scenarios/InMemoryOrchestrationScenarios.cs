using EeFunctions.Durable.Backend;
using EeFunctions.Durable.InMemory;

namespace EeFunctions.Durable.Tests.Scenarios;

/// <summary>The scenario suite on the in-memory backend.</summary>
public sealed class InMemoryOrchestrationScenarios : OrchestrationScenarios
{
    protected override IOrchestrationBackend CreateBackend(TimeProvider timeProvider) => new InMemoryOrchestrationBackend(timeProvider);
}
