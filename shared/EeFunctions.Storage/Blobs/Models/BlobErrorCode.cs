namespace EeFunctions.Storage.Blobs.Models;

/// <summary>The blob service error codes we branch on (values of <c>RequestFailedException.ErrorCode</c>).</summary>
public static class BlobErrorCode
{
    public const string BlobNotFound = nameof(BlobNotFound);
    public const string BlobAlreadyExists = nameof(BlobAlreadyExists);
    public const string ContainerNotFound = nameof(ContainerNotFound);
    public const string ContainerAlreadyExists = nameof(ContainerAlreadyExists);
    public const string ContainerBeingDeleted = nameof(ContainerBeingDeleted);
    public const string ConditionNotMet = nameof(ConditionNotMet);
    public const string LeaseAlreadyPresent = nameof(LeaseAlreadyPresent);
    public const string LeaseIdMissing = nameof(LeaseIdMissing);
    public const string LeaseIdMismatchWithLeaseOperation = nameof(LeaseIdMismatchWithLeaseOperation);
    public const string LeaseNotPresentWithLeaseOperation = nameof(LeaseNotPresentWithLeaseOperation);
    public const string LeaseLost = nameof(LeaseLost);
    public const string InvalidRange = nameof(InvalidRange);
}
