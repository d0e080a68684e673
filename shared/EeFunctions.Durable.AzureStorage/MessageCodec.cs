using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using EeFunctions.Storage.Blobs;

namespace EeFunctions.Durable.AzureStorage;

/// <summary>
/// JSON of queue messages and history rows. A queue message over <see cref="MaxInlineQueueChars"/> is stored gzip'd as a blob
/// in <c>{hub}-largemessages</c> (<c>{sanitized instance id}/{message id}.json.gz</c>, so purge finds it) and the queue carries
/// only its name; a table property over <see cref="MaxInlinePropertyChars"/> likewise.
/// </summary>
internal sealed class MessageCodec(BlobContainerClient largeMessages)
{
    /// <summary>45 KB, as Durable Functions: the queue limit is 64 KiB.</summary>
    public const int MaxInlineQueueChars = 45 * 1024;

    /// <summary>A table string property holds at most 32K UTF-16 characters.</summary>
    public const int MaxInlinePropertyChars = 30_000;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowOutOfOrderMetadataProperties = true,
    };

    public BlobContainerClient LargeMessages { get; } = largeMessages;

    public Task<string> EncodeAsync(TaskMessage message, CancellationToken cancellationToken) => EncodeAsync([message], cancellationToken);

    /// <summary>
    /// Encodes one or more messages to one instance as one queue message, so they arrive together and in order (a
    /// continue-as-new start with the events it carries over, several events from one episode).
    /// </summary>
    public async Task<string> EncodeAsync(IReadOnlyList<TaskMessage> messages, CancellationToken cancellationToken)
    {
        var first = messages[0];
        var more = messages.Count == 1 ? null : messages.Skip(1).Select(m => new Part(m.MessageId, m.ExecutionId, m.Event)).ToList();
        var json = JsonSerializer.Serialize(new Envelope(first.MessageId, first.InstanceId, first.ExecutionId, first.Event, null, more), Json);
        if (json.Length <= MaxInlineQueueChars)
        {
            return json;
        }

        var blobName = $"{TaskHub.SanitizeKey(first.InstanceId)}/message-{first.MessageId}.json.gz";
        await UploadAsync(blobName, json, cancellationToken);
        return JsonSerializer.Serialize(new Envelope(first.MessageId, first.InstanceId, first.ExecutionId, null, blobName, null), Json);
    }

    public async Task<IReadOnlyList<TaskMessage>> DecodeAsync(string text, CancellationToken cancellationToken)
    {
        var envelope = JsonSerializer.Deserialize<Envelope>(text, Json) ?? throw new FormatException("Empty queue message.");
        if (envelope.Blob is { } blob)
        {
            envelope = JsonSerializer.Deserialize<Envelope>(await DownloadAsync(blob, cancellationToken), Json)
                ?? throw new FormatException($"Empty large message blob '{blob}'.");
        }

        var messages = new List<TaskMessage> { new(envelope.Id, envelope.I, envelope.X, envelope.E ?? throw new FormatException("A queue message without an event.")) };
        if (envelope.More is { } more)
        {
            messages.AddRange(more.Select(p => new TaskMessage(p.Id, envelope.I, p.X, p.E)));
        }

        return messages;
    }

    public static string SerializeEvent(HistoryEvent historyEvent) => JsonSerializer.Serialize(historyEvent, Json);

    public static HistoryEvent DeserializeEvent(string json) =>
        JsonSerializer.Deserialize<HistoryEvent>(json, Json) ?? throw new FormatException("Empty history event.");

    public async Task UploadAsync(string blobName, string text, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            await gzip.WriteAsync(bytes, cancellationToken);
        }

        buffer.Position = 0;
        await LargeMessages.GetBlobClient(blobName).UploadAsync(buffer, overwrite: true, cancellationToken);
    }

    public async Task<string> DownloadAsync(string blobName, CancellationToken cancellationToken)
    {
        var content = (await LargeMessages.GetBlobClient(blobName).DownloadContentAsync(cancellationToken: cancellationToken)).Value.Content;
        await using var gzip = new GZipStream(content.ToStream(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>The queue message body: id, instance, execution, and the event inline or a blob name; more messages to the same instance.</summary>
    private sealed record Envelope(string Id, string I, string? X, HistoryEvent? E, string? Blob, List<Part>? More);

    /// <summary>A further message of a bundle.</summary>
    private sealed record Part(string Id, string? X, HistoryEvent E);
}
