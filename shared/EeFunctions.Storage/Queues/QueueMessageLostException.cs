using Azure;
using EeFunctions.Storage.Queues.Models;

namespace EeFunctions.Storage.Queues;

/// <summary>
/// An update or delete used a pop receipt that no longer holds the message: the lease expired and another
/// receiver took it (400 PopReceiptMismatch), or the message was already deleted (404 MessageNotFound).
/// Either way this receiver has lost the message. <see cref="RequestFailedException.Status"/> and
/// <see cref="RequestFailedException.ErrorCode"/> keep the service's answer.
/// </summary>
public sealed class QueueMessageLostException : RequestFailedException
{
    internal QueueMessageLostException(Response response, string messageId)
        : base(response, null, StorageErrorParser.Instance)
    {
        MessageId = messageId;
    }

    /// <summary>The id of the lost message.</summary>
    public string MessageId { get; }

    public override string Message =>
        $"Queue message '{MessageId}' was lost: its pop receipt is stale ({Status} {ErrorCode}); another receiver may own it now, or it was deleted. " + base.Message;

    /// <summary>Whether a failed response means "this receiver lost the message".</summary>
    internal static bool IsMessageLost(int status, string? errorCode) =>
        (status == 400 && errorCode == QueueErrorCode.PopReceiptMismatch) ||
        (status == 404 && errorCode == QueueErrorCode.MessageNotFound);
}
