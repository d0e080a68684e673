using Azure;

namespace EeFunctions.Storage.Tables;

/// <summary>The kind of one operation in an entity-group transaction.</summary>
public enum TableTransactionActionType
{
    Add = 0,
    UpdateMerge = 1,
    UpdateReplace = 2,
    Delete = 3,
    UpsertMerge = 4,
    UpsertReplace = 5,
}

/// <summary>
/// One operation of an entity-group transaction (as Azure.Data.Tables.TableTransactionAction). For updates and
/// deletes, <see cref="ETag"/> is the If-Match condition; the default (no ETag) means unconditional.
/// </summary>
public sealed class TableTransactionAction
{
    public TableTransactionAction(TableTransactionActionType actionType, ITableEntity entity)
        : this(actionType, entity, default)
    {
    }

    public TableTransactionAction(TableTransactionActionType actionType, ITableEntity entity, ETag etag)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ActionType = actionType;
        Entity = entity;
        ETag = etag;
    }

    public TableTransactionActionType ActionType { get; }

    public ITableEntity Entity { get; }

    public ETag ETag { get; }

    public override string ToString() => $"{ActionType} of (PartitionKey '{Entity.PartitionKey}', RowKey '{Entity.RowKey}')";
}

/// <summary>
/// An entity-group transaction failed; nothing in it was applied. <see cref="FailedTransactionActionIndex"/> is the
/// 0-based index of the operation the service rejected (null when the whole request was rejected).
/// </summary>
public sealed class TableTransactionFailedException : RequestFailedException
{
    internal TableTransactionFailedException(Response response, int? failedIndex, TableTransactionAction? failedAction)
        : base(response, null, StorageErrorParser.Instance)
    {
        FailedTransactionActionIndex = failedIndex;
        FailedTransactionAction = failedAction;
    }

    /// <summary>
    /// The 0-based index of the action that failed, as the service reports it, or null when it did not name one.
    /// For a request-level error (more than 100 actions) the service names action 0.
    /// </summary>
    public int? FailedTransactionActionIndex { get; }

    /// <summary>The action that failed, when known.</summary>
    public TableTransactionAction? FailedTransactionAction { get; }

    public override string Message => FailedTransactionActionIndex is { } index
        ? $"The table transaction failed at action {index} ({FailedTransactionAction}): {Status} {ErrorCode}. Nothing in the transaction was applied. " + base.Message
        : $"The table transaction was rejected: {Status} {ErrorCode}. Nothing in the transaction was applied. " + base.Message;
}
