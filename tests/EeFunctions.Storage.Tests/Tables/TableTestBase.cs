using EeFunctions.Storage.Tables;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Tables;

/// <summary>Gives each test its own fresh table on the shared Azurite.</summary>
public abstract class TableTestBase(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    protected AzuriteFixture Azurite { get; } = azurite;

    protected async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(Azurite.ConnectionString, AzuriteFixture.UniqueName("tbl"));
        await table.CreateAsync();
        return table;
    }

    protected static TableEntity Entity(string partitionKey, string rowKey, params (string Name, object? Value)[] properties)
    {
        var entity = new TableEntity(partitionKey, rowKey);
        foreach (var (name, value) in properties)
        {
            entity[name] = value;
        }

        return entity;
    }

    protected static async Task<List<TableEntity>> AllAsync(TableClient table, string? filter = null)
    {
        var all = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter))
        {
            all.Add(entity);
        }

        return all;
    }
}
