using Azure;
using EeFunctions.Storage.Tables;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Tables;

public sealed class TableTransactionTests(AzuriteFixture azurite) : TableTestBase(azurite)
{
    [Fact]
    public async Task Every_action_type_applies_and_each_write_returns_its_new_ETag()
    {
        var table = await NewTableAsync();
        foreach (var rowKey in new[] { "merge", "replace", "delete", "upsert-merge" })
        {
            await table.AddEntityAsync(Entity("p", rowKey, ("Old", 1), ("V", 0)));
        }

        var results = (await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, Entity("p", "add", ("V", 1))),
            new TableTransactionAction(TableTransactionActionType.UpdateMerge, Entity("p", "merge", ("V", 2))),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, Entity("p", "replace", ("V", 3))),
            new TableTransactionAction(TableTransactionActionType.Delete, Entity("p", "delete")),
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, Entity("p", "upsert-merge", ("V", 5))),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity("p", "upsert-new", ("V", 6))),
        ])).Value;

        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.InRange(r.Status, 200, 299));
        var byKey = (await AllAsync(table)).ToDictionary(e => e.RowKey);
        Assert.Equal(["add", "merge", "replace", "upsert-merge", "upsert-new"], byKey.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, byKey["merge"].GetInt32("Old"));
        Assert.Equal(2, byKey["merge"].GetInt32("V"));
        Assert.False(byKey["replace"].ContainsKey("Old"));
        Assert.Equal(1, byKey["upsert-merge"].GetInt32("Old"));
        Assert.Equal(5, byKey["upsert-merge"].GetInt32("V"));
        Assert.Equal(byKey["add"].ETag, results[0].Headers.ETag);
        Assert.Equal(byKey["merge"].ETag, results[1].Headers.ETag);
        Assert.Equal(byKey["replace"].ETag, results[2].Headers.ETag);
        Assert.Equal(byKey["upsert-merge"].ETag, results[4].Headers.ETag);
        Assert.Equal(byKey["upsert-new"].ETag, results[5].Headers.ETag);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task A_failing_action_at_index_k_persists_nothing_and_the_exception_names_k(int k)
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(Entity("p", "existing", ("V", 1)));
        await table.AddEntityAsync(Entity("p", "victim", ("V", 1)));
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, Entity("p", "a0")),
            new(TableTransactionActionType.UpsertReplace, Entity("p", "victim", ("V", 99))),
            new(TableTransactionActionType.Add, Entity("p", "a2")),
            new(TableTransactionActionType.Add, Entity("p", "a3")),
            new(TableTransactionActionType.Add, Entity("p", "a4")),
        };
        actions[k] = new TableTransactionAction(TableTransactionActionType.Add, Entity("p", "existing", ("V", 2)));

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(actions));

        Assert.Equal(k, ex.FailedTransactionActionIndex);
        Assert.Same(actions[k], ex.FailedTransactionAction);
        Assert.Equal(409, ex.Status);
        Assert.Equal(TableErrorCode.EntityAlreadyExists, ex.ErrorCode);
        Assert.Contains($"action {k}", ex.Message, StringComparison.Ordinal);
        var all = (await AllAsync(table)).ToDictionary(e => e.RowKey);
        Assert.Equal(["existing", "victim"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, all["victim"].GetInt32("V"));
        Assert.Equal(1, all["existing"].GetInt32("V"));
    }

    [Fact]
    public async Task One_hundred_actions_commit_and_one_hundred_and_one_are_rejected_with_nothing_applied()
    {
        var table = await NewTableAsync();

        var hundred = Enumerable.Range(0, 100).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Entity("ok", $"r{i:D3}", ("I", i))));
        var committed = (await table.SubmitTransactionAsync(hundred)).Value;
        var tooMany = Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Entity("big", $"r{i:D3}", ("I", i))));
        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(tooMany));

        Assert.Equal(100, committed.Count);
        Assert.Equal(400, ex.Status);
        Assert.Equal(TableErrorCode.InvalidInput, ex.ErrorCode);
        Assert.Contains("maximum 100 changes", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Service request succeeded", ex.Message, StringComparison.Ordinal);
        Assert.Equal(100, (await AllAsync(table, "PartitionKey eq 'ok'")).Count);
        Assert.Empty(await AllAsync(table, "PartitionKey eq 'big'"));
    }

    [Fact]
    public async Task Actions_on_different_partitions_or_no_actions_are_refused_before_sending()
    {
        var table = await NewTableAsync();

        var mixed = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, Entity("p1", "r")),
            new TableTransactionAction(TableTransactionActionType.Add, Entity("p2", "r")),
        ]));
        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([]));

        Assert.Contains("action 1", mixed.Message, StringComparison.Ordinal);
        Assert.Empty(await AllAsync(table));
    }

    [Fact]
    public async Task The_same_entity_twice_in_one_transaction_is_rejected()
    {
        var table = await NewTableAsync();

        var ex = await Assert.ThrowsAnyAsync<RequestFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, Entity("p", "r")),
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, Entity("p", "r", ("V", 1))),
        ]));

        Assert.Equal(400, ex.Status);
        Assert.Equal(TableErrorCode.InvalidDuplicateRow, ex.ErrorCode);
        Assert.Empty(await AllAsync(table));
    }
}
