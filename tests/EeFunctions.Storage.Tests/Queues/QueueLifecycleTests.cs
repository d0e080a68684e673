using Azure;
using EeFunctions.Storage.Queues;
using EeFunctions.Storage.Queues.Models;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Queues;

public sealed class QueueLifecycleTests(AzuriteFixture azurite) : QueueTestBase(azurite)
{
    [Fact]
    public async Task Create_if_not_exists_exists_and_delete_if_exists_report_what_happened()
    {
        var queue = new QueueClient(Azurite.ConnectionString, AzuriteFixture.UniqueName("q-"));

        Assert.False((await queue.ExistsAsync()).Value);
        Assert.NotNull(await queue.CreateIfNotExistsAsync());
        Assert.Null(await queue.CreateIfNotExistsAsync());
        Assert.True((await queue.ExistsAsync()).Value);
        Assert.True((await queue.DeleteIfExistsAsync()).Value);
        Assert.False((await queue.DeleteIfExistsAsync()).Value);
        Assert.False((await queue.ExistsAsync()).Value);
    }

    [Fact]
    public async Task Sending_to_a_missing_queue_fails_with_status_and_QueueNotFound()
    {
        var queue = new QueueClient(Azurite.ConnectionString, AzuriteFixture.UniqueName("q-"));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("x"));

        Assert.Equal(404, ex.Status);
        Assert.Equal(QueueErrorCode.QueueNotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task Service_client_hands_out_queue_clients_that_share_its_credentials()
    {
        var service = new QueueServiceClient(Azurite.ConnectionString);
        var name = AzuriteFixture.UniqueName("q-");

        var created = (await service.CreateQueueAsync(name)).Value;
        await created.SendMessageAsync("hello");

        var same = service.GetQueueClient(name);
        Assert.Equal(name, same.Name);
        Assert.Equal("devstoreaccount1", same.AccountName);
        Assert.EndsWith("/devstoreaccount1/" + name, same.Uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("hello", Assert.Single((await same.PeekMessagesAsync()).Value).MessageText);
        await service.DeleteQueueAsync(name);
        Assert.False((await same.ExistsAsync()).Value);
    }

    [Fact]
    public async Task Service_lists_queues_by_prefix_across_pages_with_their_metadata()
    {
        var service = new QueueServiceClient(Azurite.ConnectionString);
        var prefix = AzuriteFixture.UniqueName("list-");
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var name in names)
        {
            await service.CreateQueueAsync(name, new Dictionary<string, string> { ["n"] = name[^1..] });
        }

        var pages = new List<Azure.Page<QueueItem>>();
        await foreach (var page in service.GetQueuesAsync(QueueTraits.Metadata, prefix).AsPages(pageSizeHint: 2))
        {
            pages.Add(page);
        }

        var listed = pages.SelectMany(p => p.Values).ToList();
        Assert.Equal(names, listed.Select(q => q.Name));
        Assert.Equal(3, pages.Count);
        Assert.All(listed, q => Assert.Equal(q.Name[^1..], q.Metadata!["n"]));
    }

    [Fact]
    public async Task Queue_client_from_url_and_shared_key_reaches_the_same_queue()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("by key");

        var byUrl = new QueueClient(queue.Uri, new StorageSharedKeyCredential(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey));

        Assert.Equal(queue.Name, byUrl.Name);
        Assert.Equal("by key", Assert.Single((await byUrl.PeekMessagesAsync()).Value).MessageText);
    }

    [Fact]
    public async Task A_wrong_account_key_is_rejected_with_403()
    {
        var queue = await NewQueueAsync();
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var impostor = new QueueClient(queue.Uri, new StorageSharedKeyCredential(StorageConnectionString.DevelopmentAccountName, wrongKey), new QueueClientOptions { Retry = { MaxRetries = 0 } });

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => impostor.SendMessageAsync("x"));

        Assert.Equal(403, ex.Status);
        Assert.Equal("AuthenticationFailed", ex.ErrorCode);
    }
}
