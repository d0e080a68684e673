using EeFunctions.Durable.Backend;
using EeFunctions.Durable.Tests.Scenarios;
using EeFunctions.Testing;

namespace EeFunctions.Durable.AzureStorage.Tests.Scenarios;

/// <summary>The engine's scenario suite, unchanged, on the Azure Storage backend (each test on a fresh task hub in Azurite).</summary>
public sealed class AzureStorageOrchestrationScenarios(AzuriteFixture azurite) : OrchestrationScenarios, IClassFixture<AzuriteFixture>
{
    protected override IOrchestrationBackend CreateBackend(TimeProvider timeProvider) =>
        new AzureStorageOrchestrationBackend(TestBackends.FastOptions(azurite.ConnectionString), timeProvider);
}

/// <summary>
/// The scenario suite on the Azure Storage backend with the worker's instance cache disabled: every episode loads the
/// history from the table and replays it, so each scenario also checks what the backend stores is enough to rebuild it.
/// </summary>
public sealed class AzureStorageReplayOnlyOrchestrationScenarios(AzuriteFixture azurite) : OrchestrationScenarios, IClassFixture<AzuriteFixture>
{
    protected override IOrchestrationBackend CreateBackend(TimeProvider timeProvider) =>
        new AzureStorageOrchestrationBackend(TestBackends.FastOptions(azurite.ConnectionString), timeProvider);

    protected override void ConfigureWorker(Worker.DurableTaskWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MaxCachedOrchestrations = 0;
    }
}
