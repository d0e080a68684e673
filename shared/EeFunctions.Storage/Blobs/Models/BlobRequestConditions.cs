using Azure;

namespace EeFunctions.Storage.Blobs.Models;

/// <summary>Conditions on a blob read or write: ETag match/none-match (including <c>*</c>), times, and a lease id.</summary>
public class BlobRequestConditions : RequestConditions
{
    /// <summary>The lease that must be active on the blob (or container) for the operation to proceed.</summary>
    public string? LeaseId { get; set; }
}
