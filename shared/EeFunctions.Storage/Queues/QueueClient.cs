using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Queues.Models;

namespace EeFunctions.Storage.Queues;

/// <summary>
/// One storage queue, over the Queue REST API (names as in Azure.Storage.Queues.QueueClient). Message text is
/// sent as-is (XML-escaped in the body), as the official SDK's default <c>QueueMessageEncoding.None</c>.
/// A stale pop receipt on update or delete throws <see cref="QueueMessageLostException"/>.
/// </summary>
public class QueueClient
{
    /// <summary>The service's cap on messages per receive or peek.</summary>
    public const int MaxMessagesPerReceive = 32;

    private static readonly XmlWriterSettings s_messageWriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        OmitXmlDeclaration = true,
        NewLineHandling = NewLineHandling.Entitize,
    };

    private readonly StorageServiceContext _context;
    private readonly string _escapedName;

    public QueueClient(string connectionString, string queueName)
        : this(connectionString, queueName, null)
    {
    }

    public QueueClient(string connectionString, string queueName, QueueClientOptions? options)
        : this(StorageServiceContext.FromConnectionString(connectionString, StorageService.Queue, options), queueName)
    {
    }

    /// <summary>A queue URL with a SAS in its query (or a public endpoint).</summary>
    public QueueClient(Uri queueUri, QueueClientOptions? options = null)
        : this(QueueUri.Split(queueUri), s => StorageServiceContext.Create(s, StorageService.Queue, options))
    {
    }

    public QueueClient(Uri queueUri, StorageSharedKeyCredential credential, QueueClientOptions? options = null)
        : this(QueueUri.Split(queueUri), s => StorageServiceContext.Create(s, StorageService.Queue, options, sharedKey: credential))
    {
        ArgumentNullException.ThrowIfNull(credential);
    }

    /// <summary>A queue URL and a SAS credential (its signature is read once, when the client is built).</summary>
    public QueueClient(Uri queueUri, AzureSasCredential credential, QueueClientOptions? options = null)
        : this(QueueUri.Split(queueUri), s => StorageServiceContext.Create(s, StorageService.Queue, options, sas: (credential ?? throw new ArgumentNullException(nameof(credential))).Signature))
    {
    }

    public QueueClient(Uri queueUri, TokenCredential credential, QueueClientOptions? options = null)
        : this(QueueUri.Split(queueUri), s => StorageServiceContext.Create(s, StorageService.Queue, options, token: credential ?? throw new ArgumentNullException(nameof(credential))))
    {
    }

    internal QueueClient(StorageServiceContext context, string queueName)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        _context = context;
        Name = queueName;
        _escapedName = Uri.EscapeDataString(queueName);
    }

    private QueueClient((Uri ServiceUri, string QueueName) parts, Func<Uri, StorageServiceContext> context)
        : this(context(parts.ServiceUri), parts.QueueName)
    {
    }

    /// <summary>Mocking constructor.</summary>
    protected QueueClient()
    {
        _context = null!;
        Name = string.Empty;
        _escapedName = string.Empty;
    }

    public virtual string Name { get; }

    /// <summary>The largest message the service accepts, in bytes of UTF-8 message text (64 KiB).</summary>
    public virtual int MessageMaxBytes => 64 * 1024;

    /// <summary>The most messages one peek (or receive) returns.</summary>
    public virtual int MaxPeekableMessages => MaxMessagesPerReceive;

    public virtual string? AccountName => _context.AccountName;

    public virtual Uri Uri => _context.BuildUri(_escapedName);

    /// <summary>Creates the queue; 409 QueueAlreadyExists if it exists with other metadata.</summary>
    public virtual async Task<Response> CreateAsync(IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateQueueMessage(metadata);
        return await _context.SendAsync(message, cancellationToken);
    }

    /// <summary>Creates the queue unless it exists; returns null when it already existed (as the official SDK).</summary>
    public virtual async Task<Response?> CreateIfNotExistsAsync(IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateQueueMessage(metadata);
        var response = await SendNoThrowAsync(message, cancellationToken);
        if (response.Status == 204)
        {
            return null;
        }

        if (response.Status >= 400)
        {
            var ex = StorageServiceContext.CreateException(response);
            return ex.ErrorCode == QueueErrorCode.QueueAlreadyExists ? null : throw ex;
        }

        return response;
    }

    public virtual async Task<Response> DeleteAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Delete, _context.BuildUri(_escapedName));
        return await _context.SendAsync(message, cancellationToken);
    }

    /// <summary>Deletes the queue if it exists; the value says whether it did.</summary>
    public virtual async Task<Response<bool>> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Delete, _context.BuildUri(_escapedName));
        var response = await SendNoThrowAsync(message, cancellationToken);
        if (response.Status == 404)
        {
            return Response.FromValue(false, response);
        }

        return response.Status >= 400 ? throw StorageServiceContext.CreateException(response) : Response.FromValue(true, response);
    }

    public virtual async Task<Response<bool>> ExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Get, _context.BuildUri(_escapedName, "comp=metadata"));
        var response = await SendNoThrowAsync(message, cancellationToken);
        if (response.Status == 404)
        {
            return Response.FromValue(false, response);
        }

        return response.Status >= 400 ? throw StorageServiceContext.CreateException(response) : Response.FromValue(true, response);
    }

    /// <summary>The queue's metadata and approximate message count.</summary>
    public virtual async Task<Response<QueueProperties>> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Get, _context.BuildUri(_escapedName, "comp=metadata"));
        var response = await _context.SendAsync(message, cancellationToken);
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var count = 0;
        foreach (var header in response.Headers)
        {
            if (header.Name.StartsWith("x-ms-meta-", StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Name["x-ms-meta-".Length..]] = header.Value;
            }
            else if (header.Name.Equals("x-ms-approximate-messages-count", StringComparison.OrdinalIgnoreCase))
            {
                count = int.Parse(header.Value, CultureInfo.InvariantCulture);
            }
        }

        return Response.FromValue(new QueueProperties(metadata, count), response);
    }

    public virtual async Task<Response> SetMetadataAsync(IDictionary<string, string> metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        using var message = _context.CreateMessage(RequestMethod.Put, _context.BuildUri(_escapedName, "comp=metadata"));
        AddMetadata(message.Request, metadata);
        return await _context.SendAsync(message, cancellationToken);
    }

    public virtual Task<Response<SendReceipt>> SendMessageAsync(string messageText) =>
        SendMessageAsync(messageText, null, null, CancellationToken.None);

    public virtual Task<Response<SendReceipt>> SendMessageAsync(string messageText, CancellationToken cancellationToken) =>
        SendMessageAsync(messageText, null, null, cancellationToken);

    /// <summary>
    /// Puts a message. <paramref name="visibilityTimeout"/> delays it (max 7 days); <paramref name="timeToLive"/>
    /// defaults to 7 days, and <c>TimeSpan.FromSeconds(-1)</c> means it never expires.
    /// </summary>
    public virtual async Task<Response<SendReceipt>> SendMessageAsync(string messageText, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        var query = new StringBuilder();
        if (visibilityTimeout is { } visibility)
        {
            query.Append("visibilitytimeout=").Append(Seconds(visibility));
        }

        if (timeToLive is { } ttl)
        {
            query.Append(query.Length > 0 ? "&" : string.Empty).Append("messagettl=").Append(Seconds(ttl));
        }

        using var message = _context.CreateMessage(RequestMethod.Post, _context.BuildUri(_escapedName + "/messages", query.ToString()));
        SetMessageBody(message.Request, messageText);
        var response = await _context.SendAsync(message, cancellationToken);
        var element = ParseMessages(response).FirstOrDefault()
            ?? throw new RequestFailedException(response.Status, "The queue service answered Put Message without a message.");
        var receipt = new SendReceipt(
            Text(element, "MessageId"),
            Date(element, "InsertionTime") ?? default,
            Date(element, "ExpirationTime") ?? default,
            Text(element, "PopReceipt"),
            Date(element, "TimeNextVisible") ?? default);
        return Response.FromValue(receipt, response);
    }

    public virtual Task<Response<SendReceipt>> SendMessageAsync(BinaryData message, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync((message ?? throw new ArgumentNullException(nameof(message))).ToString(), visibilityTimeout, timeToLive, cancellationToken);

    public virtual Task<Response<QueueMessage[]>> ReceiveMessagesAsync() =>
        ReceiveMessagesAsync(null, null, CancellationToken.None);

    public virtual Task<Response<QueueMessage[]>> ReceiveMessagesAsync(CancellationToken cancellationToken) =>
        ReceiveMessagesAsync(null, null, cancellationToken);

    /// <summary>Receives up to <paramref name="maxMessages"/> (1..32, default 1), hiding them for <paramref name="visibilityTimeout"/> (default 30 s).</summary>
    public virtual async Task<Response<QueueMessage[]>> ReceiveMessagesAsync(int? maxMessages, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder();
        if (maxMessages is { } max)
        {
            ValidateCount(max, nameof(maxMessages));
            query.Append("numofmessages=").Append(max.ToString(CultureInfo.InvariantCulture));
        }

        if (visibilityTimeout is { } visibility)
        {
            query.Append(query.Length > 0 ? "&" : string.Empty).Append("visibilitytimeout=").Append(Seconds(visibility));
        }

        using var message = _context.CreateMessage(RequestMethod.Get, _context.BuildUri(_escapedName + "/messages", query.ToString()));
        var response = await _context.SendAsync(message, cancellationToken);
        var messages = ParseMessages(response).Select(e => new QueueMessage(
            Text(e, "MessageId"),
            Text(e, "PopReceipt"),
            Text(e, "MessageText"),
            long.Parse(Text(e, "DequeueCount"), CultureInfo.InvariantCulture),
            Date(e, "TimeNextVisible"),
            Date(e, "InsertionTime"),
            Date(e, "ExpirationTime"))).ToArray();
        return Response.FromValue(messages, response);
    }

    /// <summary>Receives one message, or a null value when the queue has none visible.</summary>
    public virtual async Task<Response<QueueMessage?>> ReceiveMessageAsync(TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        var response = await ReceiveMessagesAsync(1, visibilityTimeout, cancellationToken);
        return Response.FromValue(response.Value.FirstOrDefault(), response.GetRawResponse());
    }

    /// <summary>Looks at up to <paramref name="maxMessages"/> visible messages without leasing them.</summary>
    public virtual async Task<Response<PeekedMessage[]>> PeekMessagesAsync(int? maxMessages = null, CancellationToken cancellationToken = default)
    {
        var query = "peekonly=true";
        if (maxMessages is { } max)
        {
            ValidateCount(max, nameof(maxMessages));
            query += "&numofmessages=" + max.ToString(CultureInfo.InvariantCulture);
        }

        using var message = _context.CreateMessage(RequestMethod.Get, _context.BuildUri(_escapedName + "/messages", query));
        var response = await _context.SendAsync(message, cancellationToken);
        var messages = ParseMessages(response).Select(e => new PeekedMessage(
            Text(e, "MessageId"),
            Text(e, "MessageText"),
            long.Parse(Text(e, "DequeueCount"), CultureInfo.InvariantCulture),
            Date(e, "InsertionTime"),
            Date(e, "ExpirationTime"))).ToArray();
        return Response.FromValue(messages, response);
    }

    /// <summary>
    /// Changes a leased message's visibility and, when <paramref name="messageText"/> is not null, its content.
    /// Returns the new pop receipt (the old one stops working). A stale receipt throws <see cref="QueueMessageLostException"/>.
    /// </summary>
    public virtual async Task<Response<UpdateReceipt>> UpdateMessageAsync(string messageId, string popReceipt, string? messageText = null, TimeSpan visibilityTimeout = default, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        var query = "popreceipt=" + Uri.EscapeDataString(popReceipt) + "&visibilitytimeout=" + Seconds(visibilityTimeout);
        using var message = _context.CreateMessage(RequestMethod.Put, _context.BuildUri(_escapedName + "/messages/" + Uri.EscapeDataString(messageId), query));
        if (messageText is not null)
        {
            SetMessageBody(message.Request, messageText);
        }

        var response = await SendMessageOperationAsync(message, messageId, cancellationToken);
        var receipt = new UpdateReceipt(
            response.Headers.TryGetValue("x-ms-popreceipt", out var newReceipt) ? newReceipt : throw new RequestFailedException(response.Status, "Update Message answered without x-ms-popreceipt."),
            response.Headers.TryGetValue("x-ms-time-next-visible", out var next) ? ParseDate(next) : default);
        return Response.FromValue(receipt, response);
    }

    /// <summary>Like <see cref="UpdateMessageAsync(string, string, string?, TimeSpan, CancellationToken)"/>, but a lost message gives null instead of an exception.</summary>
    public virtual async Task<UpdateReceipt?> TryUpdateMessageAsync(string messageId, string popReceipt, string? messageText = null, TimeSpan visibilityTimeout = default, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await UpdateMessageAsync(messageId, popReceipt, messageText, visibilityTimeout, cancellationToken)).Value;
        }
        catch (QueueMessageLostException)
        {
            return null;
        }
    }

    /// <summary>Deletes a leased message. A stale receipt (already deleted, or re-leased by someone else) throws <see cref="QueueMessageLostException"/>.</summary>
    public virtual async Task<Response> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        using var message = _context.CreateMessage(RequestMethod.Delete,
            _context.BuildUri(_escapedName + "/messages/" + Uri.EscapeDataString(messageId), "popreceipt=" + Uri.EscapeDataString(popReceipt)));
        return await SendMessageOperationAsync(message, messageId, cancellationToken);
    }

    /// <summary>Deletes a leased message; false when the message was lost (stale pop receipt) instead of an exception.</summary>
    public virtual async Task<bool> TryDeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        try
        {
            await DeleteMessageAsync(messageId, popReceipt, cancellationToken);
            return true;
        }
        catch (QueueMessageLostException)
        {
            return false;
        }
    }

    /// <summary>Deletes every message in the queue.</summary>
    public virtual async Task<Response> ClearMessagesAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Delete, _context.BuildUri(_escapedName + "/messages"));
        return await _context.SendAsync(message, cancellationToken);
    }

    private HttpMessage CreateQueueMessage(IDictionary<string, string>? metadata)
    {
        var message = _context.CreateMessage(RequestMethod.Put, _context.BuildUri(_escapedName));
        if (metadata is not null)
        {
            AddMetadata(message.Request, metadata);
        }

        return message;
    }

    private async Task<Response> SendMessageOperationAsync(HttpMessage message, string messageId, CancellationToken cancellationToken)
    {
        var response = await SendNoThrowAsync(message, cancellationToken);
        if (response.Status < 400)
        {
            return response;
        }

        var ex = StorageServiceContext.CreateException(response);
        throw QueueMessageLostException.IsMessageLost(response.Status, ex.ErrorCode) ? new QueueMessageLostException(response, messageId) : ex;
    }

    private async Task<Response> SendNoThrowAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _context.Pipeline.SendAsync(message, cancellationToken);
        return message.Response;
    }

    private static void AddMetadata(Request request, IDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            request.Headers.SetValue("x-ms-meta-" + key, value);
        }
    }

    private static void SetMessageBody(Request request, string messageText)
    {
        // Entitize line breaks: a raw CR would be normalized away by the service's XML parser (CRLF -> LF).
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, s_messageWriterSettings))
        {
            writer.WriteStartElement("QueueMessage");
            writer.WriteElementString("MessageText", messageText);
            writer.WriteEndElement();
        }

        request.Headers.SetValue("Content-Type", "application/xml; charset=utf-8");
        request.Content = RequestContent.Create(buffer.ToArray());
    }

    private static List<XElement> ParseMessages(Response response)
    {
        var content = response.Content;
        if (content.ToMemory().IsEmpty)
        {
            return [];
        }

        using var stream = content.ToStream();
        // No line-end normalization: a CR the service returns raw stays a CR in the message text.
        using var reader = new XmlTextReader(stream) { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, Normalization = false };
        var doc = XDocument.Load(reader);
        return doc.Root?.Elements("QueueMessage").ToList() ?? [];
    }

    private static string Text(XElement element, string name) => element.Element(name)?.Value ?? string.Empty;

    private static DateTimeOffset? Date(XElement element, string name) =>
        element.Element(name)?.Value is { Length: > 0 } value ? ParseDate(value) : null;

    private static DateTimeOffset ParseDate(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string Seconds(TimeSpan value) => ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static void ValidateCount(int count, string name)
    {
        if (count is < 1 or > MaxMessagesPerReceive)
        {
            throw new ArgumentOutOfRangeException(name, count, $"Between 1 and {MaxMessagesPerReceive} messages can be received or peeked at once.");
        }
    }
}
