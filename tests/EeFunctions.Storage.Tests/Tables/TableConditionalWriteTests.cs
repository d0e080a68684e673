using Azure;
using EeFunctions.Storage.Tables;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Tables;

/// <summary>Optimistic concurrency: each conditional write against the current ETag, a stale one, no ETag, and a missing entity.</summary>
public sealed class TableConditionalWriteTests(AzuriteFixture azurite) : TableTestBase(azurite)
{
    [Theory]
    [InlineData(TableUpdateMode.Merge)]
    [InlineData(TableUpdateMode.Replace)]
    public async Task Update_with_the_current_ETag_succeeds_and_returns_a_new_ETag(TableUpdateMode mode)
    {
        var table = await NewTableAsync();
        var etag = (await table.AddEntityAsync(Entity("p", "r", ("V", 1)))).Headers.ETag!.Value;

        var updated = await table.UpdateEntityAsync(Entity("p", "r", ("V", 2)), etag, mode);

        var read = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;
        Assert.NotEqual(etag, updated.Headers.ETag);
        Assert.Equal(updated.Headers.ETag, read.ETag);
        Assert.Equal(2, read.GetInt32("V"));
    }

    [Theory]
    [InlineData(TableUpdateMode.Merge)]
    [InlineData(TableUpdateMode.Replace)]
    public async Task Update_with_a_stale_ETag_fails_with_412_and_changes_nothing(TableUpdateMode mode)
    {
        var table = await NewTableAsync();
        var stale = (await table.AddEntityAsync(Entity("p", "r", ("V", 1)))).Headers.ETag!.Value;
        await table.UpdateEntityAsync(Entity("p", "r", ("V", 2)), stale, mode);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(Entity("p", "r", ("V", 3)), stale, mode));

        Assert.Equal(412, ex.Status);
        Assert.Equal(TableErrorCode.UpdateConditionNotSatisfied, ex.ErrorCode);
        Assert.Equal(2, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("V"));
    }

    [Theory]
    [InlineData(TableUpdateMode.Merge)]
    [InlineData(TableUpdateMode.Replace)]
    public async Task Update_without_an_ETag_is_refused_and_ETag_All_updates_unconditionally(TableUpdateMode mode)
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(Entity("p", "r", ("V", 1)));

        await Assert.ThrowsAsync<ArgumentException>(() => table.UpdateEntityAsync(Entity("p", "r", ("V", 2)), default, mode));
        await table.UpdateEntityAsync(Entity("p", "r", ("V", 3)), ETag.All, mode);

        Assert.Equal(3, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("V"));
    }

    [Theory]
    [InlineData(TableUpdateMode.Merge)]
    [InlineData(TableUpdateMode.Replace)]
    public async Task Update_of_a_missing_entity_fails_with_404(TableUpdateMode mode)
    {
        var table = await NewTableAsync();

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(Entity("p", "nope", ("V", 1)), ETag.All, mode));

        Assert.Equal(404, ex.Status);
        Assert.Equal(TableErrorCode.ResourceNotFound, ex.ErrorCode);
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "nope")).HasValue);
    }

    [Fact]
    public async Task Delete_with_the_current_ETag_succeeds_and_with_a_stale_one_fails_with_412()
    {
        var table = await NewTableAsync();
        var stale = (await table.AddEntityAsync(Entity("p", "r", ("V", 1)))).Headers.ETag!.Value;
        var current = (await table.UpdateEntityAsync(Entity("p", "r", ("V", 2)), stale)).Headers.ETag!.Value;

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync("p", "r", stale));
        Assert.Equal(412, ex.Status);
        Assert.Equal(TableErrorCode.UpdateConditionNotSatisfied, ex.ErrorCode);
        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>("p", "r")).HasValue);

        var read = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;
        await table.DeleteEntityAsync(read, read.ETag);
        Assert.Equal(current, read.ETag);
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "r")).HasValue);
    }

    [Fact]
    public async Task Delete_without_an_ETag_is_unconditional_and_a_missing_entity_fails_with_404()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(Entity("p", "r", ("V", 1)));

        await table.DeleteEntityAsync("p", "r");
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync("p", "r"));

        Assert.Equal(404, ex.Status);
        Assert.Equal(TableErrorCode.ResourceNotFound, ex.ErrorCode);
    }

    [Theory]
    [InlineData(TableTransactionActionType.UpdateMerge)]
    [InlineData(TableTransactionActionType.UpdateReplace)]
    [InlineData(TableTransactionActionType.Delete)]
    public async Task In_a_transaction_a_write_with_the_current_ETag_succeeds(TableTransactionActionType type)
    {
        var table = await NewTableAsync();
        var etag = (await table.AddEntityAsync(Entity("p", "r", ("V", 1)))).Headers.ETag!.Value;

        await table.SubmitTransactionAsync([new TableTransactionAction(type, Entity("p", "r", ("V", 2)), etag)]);

        var read = await table.GetEntityIfExistsAsync<TableEntity>("p", "r");
        Assert.Equal(type != TableTransactionActionType.Delete, read.HasValue);
        if (read.HasValue)
        {
            Assert.Equal(2, read.Value!.GetInt32("V"));
        }
    }

    [Theory]
    [InlineData(TableTransactionActionType.UpdateMerge)]
    [InlineData(TableTransactionActionType.UpdateReplace)]
    [InlineData(TableTransactionActionType.Delete)]
    public async Task In_a_transaction_a_write_with_a_stale_ETag_fails_with_412_and_rolls_back(TableTransactionActionType type)
    {
        var table = await NewTableAsync();
        var stale = (await table.AddEntityAsync(Entity("p", "r", ("V", 1)))).Headers.ETag!.Value;
        await table.UpdateEntityAsync(Entity("p", "r", ("V", 2)), stale);

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, Entity("p", "new", ("V", 9))),
            new TableTransactionAction(type, Entity("p", "r", ("V", 3)), stale),
        ]));

        Assert.Equal(412, ex.Status);
        Assert.Equal(TableErrorCode.UpdateConditionNotSatisfied, ex.ErrorCode);
        Assert.Equal(1, ex.FailedTransactionActionIndex);
        Assert.Equal(2, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("V"));
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "new")).HasValue);
    }

    [Theory]
    [InlineData(TableTransactionActionType.UpdateMerge)]
    [InlineData(TableTransactionActionType.UpdateReplace)]
    [InlineData(TableTransactionActionType.Delete)]
    public async Task In_a_transaction_a_write_without_an_ETag_is_unconditional_but_a_missing_entity_fails_with_404(TableTransactionActionType type)
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(Entity("p", "r", ("V", 1)));
        await table.UpdateEntityAsync(Entity("p", "r", ("V", 2)), ETag.All);

        await table.SubmitTransactionAsync([new TableTransactionAction(type, Entity("p", "r", ("V", 3)))]);
        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() =>
            table.SubmitTransactionAsync([new TableTransactionAction(type, Entity("p", "missing", ("V", 3)))]));

        var read = await table.GetEntityIfExistsAsync<TableEntity>("p", "r");
        Assert.Equal(type != TableTransactionActionType.Delete, read.HasValue);
        Assert.Equal(404, ex.Status);
        Assert.Equal(TableErrorCode.ResourceNotFound, ex.ErrorCode);
        Assert.Equal(0, ex.FailedTransactionActionIndex);
    }
}
