using Azure;
using EeFunctions.Storage.Queues;
using EeFunctions.Storage.Sas;
using EeFunctions.Storage.Tables;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Core;

/// <summary>Queue and table access with an account SAS signed here with the development key (proves <c>SasQueryPolicy</c> end to end).</summary>
public sealed class SasAccessTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly StorageSharedKeyCredential s_key = new(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey);

    private static string Sas(string permissions) => new AccountSasBuilder
    {
        Permissions = permissions,
        Services = "qt",
        ResourceTypes = "sco",
        ExpiresOn = DateTimeOffset.UtcNow.AddHours(1),
    }.ToSasQueryParameters(s_key);

    [Fact]
    public async Task Queue_client_from_a_SAS_url_sends_receives_and_deletes()
    {
        var owner = new QueueClient(azurite.ConnectionString, AzuriteFixture.UniqueName("sas-"));
        await owner.CreateAsync();

        var bySas = new QueueClient(new Uri(owner.Uri + "?" + Sas("rwdlacup")));
        await bySas.SendMessageAsync("via sas");
        var message = Assert.Single((await bySas.ReceiveMessagesAsync(1)).Value);
        await bySas.DeleteMessageAsync(message.MessageId, message.PopReceipt);

        Assert.Equal("via sas", message.MessageText);
        Assert.Equal(0, (await owner.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Queue_service_client_with_an_AzureSasCredential_reaches_its_queues()
    {
        var owner = new QueueClient(azurite.ConnectionString, AzuriteFixture.UniqueName("sas-"));
        await owner.CreateAsync();
        await owner.SendMessageAsync("hi");
        var serviceUri = new Uri(owner.Uri.AbsoluteUri[..owner.Uri.AbsoluteUri.LastIndexOf('/')]);

        var service = new QueueServiceClient(serviceUri, new AzureSasCredential(Sas("rl")));

        Assert.Equal("hi", Assert.Single((await service.GetQueueClient(owner.Name).PeekMessagesAsync()).Value).MessageText);
    }

    [Fact]
    public async Task A_read_only_SAS_cannot_write_to_a_queue()
    {
        var owner = new QueueClient(azurite.ConnectionString, AzuriteFixture.UniqueName("sas-"));
        await owner.CreateAsync();

        var readOnly = new QueueClient(new Uri(owner.Uri + "?" + Sas("rl")), new QueueClientOptions { Retry = { MaxRetries = 0 } });
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => readOnly.SendMessageAsync("nope"));

        Assert.Equal(403, ex.Status);
        Assert.Equal(0, (await owner.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Table_client_from_a_SAS_url_writes_reads_and_queries()
    {
        var owner = new TableClient(azurite.ConnectionString, AzuriteFixture.UniqueName("sas"));
        await owner.CreateAsync();

        var bySas = new TableClient(new Uri(owner.Uri + "?" + Sas("rwdlacup")));
        await bySas.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 5L });
        await bySas.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "r2"))]);
        var read = (await bySas.GetEntityAsync<TableEntity>("p", "r")).Value;
        var count = 0;
        await foreach (var entity in bySas.QueryAsync<TableEntity>("PartitionKey eq 'p'"))
        {
            count++;
        }

        Assert.Equal(owner.Name, bySas.Name);
        Assert.Equal(5L, read.GetInt64("V"));
        Assert.Equal(2, count);
    }

    [Fact]
    public async Task Table_client_from_a_SAS_connection_string_works_and_a_read_only_SAS_cannot_write()
    {
        var owner = new TableClient(azurite.ConnectionString, AzuriteFixture.UniqueName("sas"));
        await owner.CreateAsync();
        await owner.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 });
        var tableEndpoint = owner.Uri.AbsoluteUri[..owner.Uri.AbsoluteUri.LastIndexOf('/')];
        var connectionString = $"TableEndpoint={tableEndpoint};QueueEndpoint={tableEndpoint};BlobEndpoint={tableEndpoint};SharedAccessSignature={Sas("rl")}";

        var readOnly = new TableClient(connectionString, owner.Name, new TableClientOptions { Retry = { MaxRetries = 0 } });
        var read = (await readOnly.GetEntityAsync<TableEntity>("p", "r")).Value;
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => readOnly.AddEntityAsync(new TableEntity("p", "r2")));

        Assert.Equal(1, read.GetInt32("V"));
        Assert.Equal(403, ex.Status);
        Assert.False((await owner.GetEntityIfExistsAsync<TableEntity>("p", "r2")).HasValue);
    }
}
