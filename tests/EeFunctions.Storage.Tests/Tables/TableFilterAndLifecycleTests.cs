using Azure;
using EeFunctions.Storage.Tables;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Tables;

public sealed class TableFilterAndLifecycleTests(AzuriteFixture azurite) : TableTestBase(azurite)
{
    [Fact]
    public void Query_filter_formats_values_as_OData_literals_and_escapes_quotes()
    {
        var when = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");

        var filter = TableClient.CreateQueryFilter(
            $"Name eq {"o'brien"} and N gt {5} and L lt {7L} and D eq {2.0} and E eq {2.5} and B eq {true} and T ge {when} and G eq {id} and X eq {new byte[] { 1, 171 }} and Z eq {null}");

        Assert.Equal(
            "Name eq 'o''brien' and N gt 5 and L lt 7L and D eq 2.0 and E eq 2.5 and B eq true and T ge datetime'2024-01-02T01:04:05.0000000Z'" +
            " and G eq guid'6f9619ff-8b86-d011-b42d-00c04fc964ff' and X eq X'01ab' and Z eq null",
            filter);
    }

    [Fact]
    public async Task Typed_filter_values_match_typed_properties_on_the_service()
    {
        var table = await NewTableAsync();
        var early = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var id = Guid.NewGuid();
        await table.AddEntityAsync(Entity("p", "a", ("When", early), ("Id", id), ("Score", 2.0), ("Name", "it's")));
        await table.AddEntityAsync(Entity("p", "b", ("When", early.AddDays(1)), ("Id", Guid.NewGuid()), ("Score", 3.5), ("Name", "other")));

        Assert.Equal("b", Assert.Single(await AllAsync(table, TableClient.CreateQueryFilter($"When gt {early}"))).RowKey);
        Assert.Equal("a", Assert.Single(await AllAsync(table, TableClient.CreateQueryFilter($"Id eq {id}"))).RowKey);
        Assert.Equal("a", Assert.Single(await AllAsync(table, TableClient.CreateQueryFilter($"Score eq {2.0}"))).RowKey);
        Assert.Equal("a", Assert.Single(await AllAsync(table, TableClient.CreateQueryFilter($"Name eq {"it's"}"))).RowKey);
    }

    [Fact]
    public async Task Create_if_not_exists_is_idempotent_and_create_of_an_existing_table_fails_with_409()
    {
        var name = AzuriteFixture.UniqueName("tbl");
        var service = new TableServiceClient(Azurite.ConnectionString);

        await service.CreateTableIfNotExistsAsync(name);
        await service.CreateTableIfNotExistsAsync(name);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => service.CreateTableAsync(name));

        Assert.Equal(409, ex.Status);
        Assert.Equal(TableErrorCode.TableAlreadyExists, ex.ErrorCode);
        var listed = new List<string>();
        await foreach (var table in service.QueryAsync(TableClient.CreateQueryFilter($"TableName eq {name}")))
        {
            listed.Add(table.Name);
        }

        Assert.Equal([name], listed);
    }

    [Fact]
    public async Task Deleted_table_is_gone_and_writing_to_it_fails_with_404_TableNotFound()
    {
        var service = new TableServiceClient(Azurite.ConnectionString);
        var name = AzuriteFixture.UniqueName("tbl");
        var table = service.GetTableClient(name);
        await table.CreateAsync();
        await table.AddEntityAsync(Entity("p", "r"));

        await service.DeleteTableAsync(name);
        var again = await table.DeleteAsync();
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(Entity("p", "r")));

        Assert.Equal(404, again.Status);
        Assert.Equal(404, ex.Status);
        Assert.Equal(TableErrorCode.TableNotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task Table_client_from_endpoint_and_shared_key_reaches_the_same_table()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(Entity("p", "r", ("V", 7)));
        var endpoint = new Uri(table.Uri.AbsoluteUri[..table.Uri.AbsoluteUri.LastIndexOf('/')]);

        var byKey = new TableClient(endpoint, table.Name, new TableSharedKeyCredential(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey));

        Assert.Equal("devstoreaccount1", byKey.AccountName);
        Assert.Equal(7, (await byKey.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("V"));
    }
}
