namespace EeFunctions.Storage.Queues.Models;

/// <summary>
/// The queue service's error codes we act on, as <see cref="Azure.RequestFailedException.ErrorCode"/> values.
/// Compare with <c>ex.ErrorCode == QueueErrorCode.MessageNotFound</c>, which also compiles against the official struct.
/// </summary>
public static class QueueErrorCode
{
    public const string QueueAlreadyExists = "QueueAlreadyExists";
    public const string QueueNotFound = "QueueNotFound";
    public const string QueueBeingDeleted = "QueueBeingDeleted";
    public const string MessageNotFound = "MessageNotFound";
    public const string PopReceiptMismatch = "PopReceiptMismatch";
    public const string MessageTooLarge = "MessageTooLarge";
    public const string RequestBodyTooLarge = "RequestBodyTooLarge";
    public const string OutOfRangeQueryParameterValue = "OutOfRangeQueryParameterValue";
    public const string InvalidQueryParameterValue = "InvalidQueryParameterValue";
}
