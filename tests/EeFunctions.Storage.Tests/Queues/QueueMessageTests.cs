using EeFunctions.Storage.Queues;
using EeFunctions.Storage.Queues.Models;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Queues;

public sealed class QueueMessageTests(AzuriteFixture azurite) : QueueTestBase(azurite)
{
    [Fact]
    public async Task Sent_message_is_received_with_its_exact_text_and_is_gone_after_delete()
    {
        var queue = await NewQueueAsync();
        const string text = "<job id=\"1\"> & 'quotes' ünïcødé ✓ </job>";

        var receipt = (await queue.SendMessageAsync(text)).Value;
        var received = (await queue.ReceiveMessagesAsync(maxMessages: 1, visibilityTimeout: TimeSpan.FromSeconds(30))).Value;

        var message = Assert.Single(received);
        Assert.Equal(receipt.MessageId, message.MessageId);
        Assert.Equal(text, message.MessageText);
        Assert.Equal(text, message.Body.ToString());
        Assert.Equal(1, message.DequeueCount);
        Assert.NotNull(message.InsertedOn);
        Assert.True(message.ExpiresOn > message.InsertedOn);
        Assert.True(message.NextVisibleOn > message.InsertedOn);

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Theory]
    [InlineData("line1\r\nline2\n\ttabbed  ")]
    [InlineData("  leading and trailing spaces  ")]
    [InlineData("{\"json\":\"<tag attr='1'>&amp;</tag>\",\"n\":[1,2]}")]
    [InlineData("")]
    public async Task Message_text_round_trips_exactly_including_whitespace_and_markup(string text)
    {
        var queue = await NewQueueAsync();

        await queue.SendMessageAsync(text);
        var peeked = Assert.Single((await queue.PeekMessagesAsync()).Value);
        var received = Assert.Single((await queue.ReceiveMessagesAsync(1)).Value);
        var update = (await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, text + "!", TimeSpan.Zero)).Value;
        var updated = Assert.Single((await queue.ReceiveMessagesAsync(1)).Value);

        Assert.Equal(text, peeked.MessageText);
        Assert.Equal(text, received.MessageText);
        Assert.Equal(text + "!", updated.MessageText);
        Assert.NotNull(update.PopReceipt);
    }

    [Fact]
    public async Task Received_message_reappears_after_its_visibility_timeout_with_a_higher_dequeue_count()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("work");

        var first = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1))).Value);
        var second = await ReceiveWhenVisibleAsync(queue, TimeSpan.FromSeconds(30));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(1, first.DequeueCount);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
    }

    [Fact]
    public async Task Leased_message_is_invisible_to_other_receivers_until_released()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("work");

        var leased = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5))).Value);
        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);

        await queue.UpdateMessageAsync(leased.MessageId, leased.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        var again = Assert.Single((await queue.ReceiveMessagesAsync(32)).Value);
        Assert.Equal(leased.MessageId, again.MessageId);
    }

    [Fact]
    public async Task Update_changes_content_and_visibility_and_returns_a_new_pop_receipt()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("v1");
        var leased = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5))).Value);

        var update = (await queue.UpdateMessageAsync(leased.MessageId, leased.PopReceipt, "v2 <&>", TimeSpan.Zero)).Value;

        Assert.NotEqual(leased.PopReceipt, update.PopReceipt);
        var updated = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5))).Value);
        Assert.Equal("v2 <&>", updated.MessageText);
        Assert.Equal(2, updated.DequeueCount);

        // Visibility only (a heartbeat): the content stays, the lease moves.
        var heartbeat = (await queue.UpdateMessageAsync(updated.MessageId, updated.PopReceipt, messageText: null, visibilityTimeout: TimeSpan.FromMinutes(10))).Value;
        Assert.True(heartbeat.NextVisibleOn > updated.NextVisibleOn);
        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);
        await queue.UpdateMessageAsync(updated.MessageId, heartbeat.PopReceipt, null, TimeSpan.Zero);
        Assert.Equal("v2 <&>", Assert.Single((await queue.PeekMessagesAsync()).Value).MessageText);
    }

    [Fact]
    public async Task Deleting_a_message_twice_reports_it_lost_with_404_MessageNotFound()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("once");
        var message = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5))).Value);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);

        var lost = await Assert.ThrowsAsync<QueueMessageLostException>(() => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt));

        Assert.Equal(404, lost.Status);
        Assert.Equal(QueueErrorCode.MessageNotFound, lost.ErrorCode);
        Assert.Equal(message.MessageId, lost.MessageId);
        Assert.Contains("lost", lost.Message, StringComparison.Ordinal);
        Assert.False(await queue.TryDeleteMessageAsync(message.MessageId, message.PopReceipt));
        Assert.Null(await queue.TryUpdateMessageAsync(message.MessageId, message.PopReceipt, "x"));
    }

    [Fact]
    public async Task Deleting_with_the_pop_receipt_from_before_an_update_reports_it_lost_with_400_PopReceiptMismatch()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("leased");
        var message = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5))).Value);
        var update = (await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, null, TimeSpan.FromMinutes(5))).Value;

        var lost = await Assert.ThrowsAsync<QueueMessageLostException>(() => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt));
        Assert.Equal(400, lost.Status);
        Assert.Equal(QueueErrorCode.PopReceiptMismatch, lost.ErrorCode);

        var lostUpdate = await Assert.ThrowsAsync<QueueMessageLostException>(() => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, "stale", TimeSpan.Zero));
        Assert.Equal(400, lostUpdate.Status);
        Assert.Null(await queue.TryUpdateMessageAsync(message.MessageId, message.PopReceipt, null, TimeSpan.Zero));
        Assert.False(await queue.TryDeleteMessageAsync(message.MessageId, message.PopReceipt));

        // The current receipt still owns the message.
        Assert.True(await queue.TryDeleteMessageAsync(message.MessageId, update.PopReceipt));
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Peek_shows_visible_messages_in_order_without_leasing_them()
    {
        var queue = await NewQueueAsync();
        foreach (var text in new[] { "a", "b", "c" })
        {
            await queue.SendMessageAsync(text);
        }

        var peeked = (await queue.PeekMessagesAsync(maxMessages: 2)).Value;

        Assert.Equal(["a", "b"], peeked.Select(m => m.MessageText));
        Assert.All(peeked, m => Assert.Equal(0, m.DequeueCount));
        var received = (await queue.ReceiveMessagesAsync(32)).Value;
        Assert.Equal(["a", "b", "c"], received.Select(m => m.MessageText));
        Assert.All(received, m => Assert.Equal(1, m.DequeueCount));
    }

    [Fact]
    public async Task Properties_report_the_approximate_message_count_and_metadata()
    {
        var queue = await NewQueueAsync(new Dictionary<string, string> { ["owner"] = "ingest" });
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => queue.SendMessageAsync($"m{i}")));

        var properties = (await queue.GetPropertiesAsync()).Value;

        Assert.Equal(5, properties.ApproximateMessagesCount);
        Assert.Equal("ingest", properties.Metadata["owner"]);
    }

    [Fact]
    public async Task Delayed_message_is_hidden_from_receive_and_peek_until_it_is_due()
    {
        var queue = await NewQueueAsync();
        var sent = (await queue.SendMessageAsync("later", visibilityTimeout: TimeSpan.FromSeconds(6))).Value;

        Assert.True(sent.TimeNextVisible > sent.InsertionTime);
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);

        var due = await ReceiveWhenVisibleAsync(queue);
        Assert.Equal(sent.MessageId, due.MessageId);
        Assert.Equal("later", due.MessageText);
    }

    [Fact]
    public async Task Time_to_live_of_minus_one_second_means_the_message_never_expires()
    {
        var queue = await NewQueueAsync();

        var sent = (await queue.SendMessageAsync("forever", timeToLive: TimeSpan.FromSeconds(-1))).Value;

        Assert.Equal(9999, sent.ExpirationTime.Year);
        var peeked = Assert.Single((await queue.PeekMessagesAsync()).Value);
        Assert.Equal(9999, peeked.ExpiresOn!.Value.Year);
    }

    [Fact]
    public async Task Receive_returns_up_to_32_messages_at_once_and_rejects_more()
    {
        var queue = await NewQueueAsync();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => queue.SendMessageAsync($"m{i}")));

        var first = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
        var rest = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;

        Assert.Equal(32, first.Length);
        Assert.Equal(8, rest.Length);
        Assert.Equal(40, first.Concat(rest).Select(m => m.MessageId).Distinct().Count());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(33));
    }
}
