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
