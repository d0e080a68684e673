namespace EeFunctions.Storage.Tables;

/// <summary>
/// The table service's error codes, as <see cref="Azure.RequestFailedException.ErrorCode"/> values.
/// <c>ex.ErrorCode == TableErrorCode.EntityAlreadyExists</c> also compiles against the official struct.
/// </summary>
public static class TableErrorCode
{
    public const string EntityAlreadyExists = "EntityAlreadyExists";
    public const string EntityNotFound = "EntityNotFound";
    public const string ResourceNotFound = "ResourceNotFound";
    public const string UpdateConditionNotSatisfied = "UpdateConditionNotSatisfied";
    public const string ConditionNotMet = "ConditionNotMet";
    public const string TableAlreadyExists = "TableAlreadyExists";
    public const string TableNotFound = "TableNotFound";
    public const string TableBeingDeleted = "TableBeingDeleted";
    public const string InvalidInput = "InvalidInput";
    public const string InvalidDuplicateRow = "InvalidDuplicateRow";
    public const string PropertyValueTooLarge = "PropertyValueTooLarge";
    public const string EntityTooLarge = "EntityTooLarge";
    public const string OutOfRangeInput = "OutOfRangeInput";
    public const string CommandsInBatchActedOnDifferentPartitions = "CommandsInBatchActedOnDifferentPartitions";
    public const string AuthorizationFailure = "AuthorizationFailure";
    public const string AuthenticationFailed = "AuthenticationFailed";
}
