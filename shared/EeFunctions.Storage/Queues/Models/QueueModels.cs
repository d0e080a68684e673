namespace EeFunctions.Storage.Queues.Models;

/// <summary>The receipt of a sent message (as Azure.Storage.Queues.Models.SendReceipt).</summary>
public sealed class SendReceipt
{
    internal SendReceipt(string messageId, DateTimeOffset insertionTime, DateTimeOffset expirationTime, string popReceipt, DateTimeOffset timeNextVisible)
    {
        MessageId = messageId;
        InsertionTime = insertionTime;
        ExpirationTime = expirationTime;
        PopReceipt = popReceipt;
        TimeNextVisible = timeNextVisible;
    }

    public string MessageId { get; }

    public DateTimeOffset InsertionTime { get; }

    public DateTimeOffset ExpirationTime { get; }

    public string PopReceipt { get; }

    public DateTimeOffset TimeNextVisible { get; }
}

/// <summary>A received (dequeued) message, leased until <see cref="NextVisibleOn"/>.</summary>
public sealed class QueueMessage
{
    internal QueueMessage(string messageId, string popReceipt, string messageText, long dequeueCount,
        DateTimeOffset? nextVisibleOn, DateTimeOffset? insertedOn, DateTimeOffset? expiresOn)
    {
        MessageId = messageId;
        PopReceipt = popReceipt;
        MessageText = messageText;
        DequeueCount = dequeueCount;
        NextVisibleOn = nextVisibleOn;
        InsertedOn = insertedOn;
        ExpiresOn = expiresOn;
    }

    public string MessageId { get; }

    /// <summary>The receipt that proves this lease; required to update or delete the message.</summary>
    public string PopReceipt { get; }

    public string MessageText { get; }

    public BinaryData Body => BinaryData.FromString(MessageText);

    public long DequeueCount { get; }

    public DateTimeOffset? NextVisibleOn { get; }

    public DateTimeOffset? InsertedOn { get; }

    public DateTimeOffset? ExpiresOn { get; }

    /// <summary>This message with the pop receipt and visibility of an update (as the official SDK).</summary>
    public QueueMessage Update(UpdateReceipt updated)
    {
        ArgumentNullException.ThrowIfNull(updated);
        return new QueueMessage(MessageId, updated.PopReceipt, MessageText, DequeueCount, updated.NextVisibleOn, InsertedOn, ExpiresOn);
    }
}

/// <summary>A message seen by Peek: no lease, no pop receipt.</summary>
public sealed class PeekedMessage
{
    internal PeekedMessage(string messageId, string messageText, long dequeueCount, DateTimeOffset? insertedOn, DateTimeOffset? expiresOn)
    {
        MessageId = messageId;
        MessageText = messageText;
        DequeueCount = dequeueCount;
        InsertedOn = insertedOn;
        ExpiresOn = expiresOn;
    }

    public string MessageId { get; }

    public string MessageText { get; }

    public BinaryData Body => BinaryData.FromString(MessageText);

    public long DequeueCount { get; }

    public DateTimeOffset? InsertedOn { get; }

    public DateTimeOffset? ExpiresOn { get; }
}

/// <summary>The result of Update Message: the new pop receipt and when the message becomes visible.</summary>
public sealed class UpdateReceipt
{
    internal UpdateReceipt(string popReceipt, DateTimeOffset nextVisibleOn)
    {
        PopReceipt = popReceipt;
        NextVisibleOn = nextVisibleOn;
    }

    public string PopReceipt { get; }

    public DateTimeOffset NextVisibleOn { get; }
}

/// <summary>A queue's metadata and approximate message count.</summary>
public sealed class QueueProperties
{
    internal QueueProperties(IDictionary<string, string> metadata, int approximateMessagesCount)
    {
        Metadata = metadata;
        ApproximateMessagesCount = approximateMessagesCount;
    }

    public IDictionary<string, string> Metadata { get; }

    public int ApproximateMessagesCount { get; }
}

/// <summary>A queue in a listing.</summary>
public sealed class QueueItem
{
    internal QueueItem(string name, IDictionary<string, string>? metadata)
    {
        Name = name;
        Metadata = metadata;
    }

    public string Name { get; }

    public IDictionary<string, string>? Metadata { get; }
}

/// <summary>What a queue listing includes besides names.</summary>
[Flags]
public enum QueueTraits
{
    None = 0,
    Metadata = 1,
}
