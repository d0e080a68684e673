using Azure.Data.Tables;
using DurableTask.AzureStorage;
using EeFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EeFunctions.DurableTask.Tests;

/// <summary>Task hubs DTFx would misuse are refused at start with a message that says what to do.</summary>
public sealed class TaskHubCheckTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private AzureStorageOrchestrationServiceSettings Settings(string hub) =>
        AzureStorageTaskHub.Settings(new DurableTaskExtensionOptions { HubName = hub }, new StorageAccountClientProvider(azurite.ConnectionString), NullLoggerFactory.Instance);

    [Fact]
    public async Task A_hub_written_by_the_former_engine_is_refused_with_how_to_clear_it()
    {
        var hub = "Legacy" + Guid.NewGuid().ToString("N")[..10];
        var history = new TableServiceClient(azurite.ConnectionString).GetTableClient(hub + "History");
        await history.CreateIfNotExistsAsync();
        await history.AddEntityAsync(new TableEntity("some-instance", "!state"));

        var problem = await TaskHubCheck.FindProblemAsync(Settings(hub), CancellationToken.None);
        Assert.NotNull(problem);
        Assert.Contains("former durable engine", problem, StringComparison.Ordinal);
        Assert.Contains("hubName", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_hub_and_a_DTFx_hub_with_the_same_partition_count_pass()
    {
        var hub = "Fresh" + Guid.NewGuid().ToString("N")[..10];
        Assert.Null(await TaskHubCheck.FindProblemAsync(Settings(hub), CancellationToken.None));
        var service = new AzureStorageOrchestrationService(Settings(hub));
        await service.CreateIfNotExistsAsync();
        Assert.Null(await TaskHubCheck.FindProblemAsync(Settings(hub), CancellationToken.None));

        var other = Settings(hub);
        other.PartitionCount = 2;
        Assert.Contains("cannot change", await TaskHubCheck.FindProblemAsync(other, CancellationToken.None), StringComparison.Ordinal);
    }
}
