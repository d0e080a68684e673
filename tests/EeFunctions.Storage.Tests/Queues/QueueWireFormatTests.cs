using System.Net;
using System.Text;
using EeFunctions.Storage.Queues;
using EeFunctions.Storage.Tests.Core;

namespace EeFunctions.Storage.Tests.Queues;

/// <summary>The message XML on the wire (no I/O: a recording transport answers).</summary>
public sealed class QueueWireFormatTests
{
    [Fact]
    public async Task Message_text_is_sent_xml_escaped_with_carriage_returns_entitized()
    {
        const string receipt =
            "<QueueMessagesList><QueueMessage><MessageId>m</MessageId><InsertionTime>Mon, 01 Jan 2024 00:00:00 GMT</InsertionTime>" +
            "<ExpirationTime>Mon, 08 Jan 2024 00:00:00 GMT</ExpirationTime><PopReceipt>p</PopReceipt><TimeNextVisible>Mon, 01 Jan 2024 00:00:00 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>";
        using var transport = new RecordingTransport(HttpStatusCode.Created, receipt, "application/xml");
        string? sent = null;
        transport.OnRequest = request =>
        {
            using var buffer = new MemoryStream();
            request.Content!.WriteTo(buffer, CancellationToken.None);
            sent = Encoding.UTF8.GetString(buffer.ToArray());
        };
        var queue = Client(transport);

        await queue.SendMessageAsync("a<b>&\"c\"\r\nd");

        Assert.Equal("<QueueMessage><MessageText>a&lt;b&gt;&amp;\"c\"&#xD;\nd</MessageText></QueueMessage>", sent);
    }

    [Fact]
    public async Task A_raw_CRLF_in_a_received_message_is_kept_as_is()
    {
        const string body =
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>m</MessageId>" +
            "<InsertionTime>Mon, 01 Jan 2024 00:00:00 GMT</InsertionTime><ExpirationTime>Mon, 08 Jan 2024 00:00:00 GMT</ExpirationTime>" +
            "<PopReceipt>p</PopReceipt><TimeNextVisible>Mon, 01 Jan 2024 00:00:30 GMT</TimeNextVisible><DequeueCount>3</DequeueCount>" +
            "<MessageText>line1\r\nline2 &amp; more</MessageText></QueueMessage></QueueMessagesList>";
        using var transport = new RecordingTransport(HttpStatusCode.OK, body, "application/xml");

        var message = Assert.Single((await Client(transport).ReceiveMessagesAsync(1)).Value);

        Assert.Equal("line1\r\nline2 & more", message.MessageText);
        Assert.Equal(3, message.DequeueCount);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 30, TimeSpan.Zero), message.NextVisibleOn);
    }

    private static QueueClient Client(RecordingTransport transport) =>
        new(new Uri("https://myacct.queue.core.windows.net/jobs"),
            new StorageSharedKeyCredential("myacct", StorageConnectionString.DevelopmentAccountKey),
            new QueueClientOptions { Transport = transport, Retry = { MaxRetries = 0 } });
}
