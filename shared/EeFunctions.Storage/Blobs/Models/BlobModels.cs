using Azure;

namespace EeFunctions.Storage.Blobs.Models;

/// <summary>Standard HTTP properties stored with a blob.</summary>
public sealed class BlobHttpHeaders
{
    public string? ContentType { get; set; }

    public string? ContentEncoding { get; set; }

    public string? ContentLanguage { get; set; }

    public string? ContentDisposition { get; set; }

    public string? CacheControl { get; set; }

    public byte[]? ContentHash { get; set; }
}

/// <summary>How a large upload is split: single put up to <see cref="InitialTransferSize"/>, else blocks.</summary>
public struct StorageTransferOptions : IEquatable<StorageTransferOptions>
{
    /// <summary>Largest payload sent as a single Put Blob (default 256 MiB, as the official client).</summary>
    public long? InitialTransferSize { get; set; }

    /// <summary>Block size for block uploads (default 8 MiB).</summary>
    public long? MaximumTransferSize { get; set; }

    /// <summary>Blocks in flight at once (default 4); memory use is at most this × block size.</summary>
    public int? MaximumConcurrency { get; set; }

    public readonly bool Equals(StorageTransferOptions other) =>
        InitialTransferSize == other.InitialTransferSize && MaximumTransferSize == other.MaximumTransferSize && MaximumConcurrency == other.MaximumConcurrency;

    public override readonly bool Equals(object? obj) => obj is StorageTransferOptions other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(InitialTransferSize, MaximumTransferSize, MaximumConcurrency);

    public static bool operator ==(StorageTransferOptions left, StorageTransferOptions right) => left.Equals(right);

    public static bool operator !=(StorageTransferOptions left, StorageTransferOptions right) => !left.Equals(right);
}

/// <summary>Options of <c>BlobClient.UploadAsync</c>.</summary>
public sealed class BlobUploadOptions
{
    public BlobHttpHeaders? HttpHeaders { get; set; }

    public IDictionary<string, string>? Metadata { get; set; }

    public BlobRequestConditions? Conditions { get; set; }

    public StorageTransferOptions TransferOptions { get; set; }
}

/// <summary>Options of <c>BlobClient.DownloadStreamingAsync</c>.</summary>
public sealed class BlobDownloadOptions
{
    public HttpRange Range { get; set; }

    public BlobRequestConditions? Conditions { get; set; }
}

/// <summary>The result of a write that creates or replaces blob content.</summary>
public sealed record BlobContentInfo(ETag ETag, DateTimeOffset LastModified, byte[]? ContentHash);

/// <summary>The result of a write that changes a blob's metadata or properties.</summary>
public sealed record BlobInfo(ETag ETag, DateTimeOffset LastModified);

/// <summary>The result of creating a container.</summary>
public sealed record BlobContainerInfo(ETag ETag, DateTimeOffset LastModified);

/// <summary>Lease state as the service reports it.</summary>
public enum LeaseState
{
    Available,
    Leased,
    Expired,
    Breaking,
    Broken,
}

/// <summary>A blob's properties and metadata (<c>GetPropertiesAsync</c>).</summary>
public sealed class BlobProperties
{
    public DateTimeOffset LastModified { get; init; }

    public DateTimeOffset CreatedOn { get; init; }

    public long ContentLength { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public byte[]? ContentHash { get; init; }

    public ETag ETag { get; init; }

    public IDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public LeaseState LeaseState { get; init; }

    public string? BlobType { get; init; }
}

/// <summary>The details that come with a download.</summary>
public sealed class BlobDownloadDetails
{
    public long ContentLength { get; init; }

    public string? ContentType { get; init; }

    public string? ContentRange { get; init; }

    public ETag ETag { get; init; }

    public DateTimeOffset LastModified { get; init; }

    public IDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A streamed download: dispose it to release the connection.</summary>
public sealed class BlobDownloadStreamingResult(Stream content, BlobDownloadDetails details) : IDisposable
{
    public Stream Content { get; } = content;

    public BlobDownloadDetails Details { get; } = details;

    public void Dispose() => Content.Dispose();
}

/// <summary>A buffered download.</summary>
public sealed class BlobDownloadResult(BinaryData content, BlobDownloadDetails details)
{
    public BinaryData Content { get; } = content;

    public BlobDownloadDetails Details { get; } = details;
}

/// <summary>Properties of a blob as listed.</summary>
public sealed class BlobItemProperties
{
    public DateTimeOffset? LastModified { get; init; }

    public long? ContentLength { get; init; }

    public string? ContentType { get; init; }

    public ETag? ETag { get; init; }

    public LeaseState? LeaseState { get; init; }
}

/// <summary>A blob in a listing.</summary>
public sealed class BlobItem
{
    public required string Name { get; init; }

    public required BlobItemProperties Properties { get; init; }

    public IDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A blob or a virtual directory (prefix) in a hierarchical listing.</summary>
public sealed class BlobHierarchyItem
{
    public string? Prefix { get; init; }

    public BlobItem? Blob { get; init; }

    public bool IsPrefix => Prefix is not null;

    public bool IsBlob => Blob is not null;
}

/// <summary>A container in a listing.</summary>
public sealed class BlobContainerItem
{
    public required string Name { get; init; }

    public ETag ETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }
}

/// <summary>What a listing includes besides names and properties.</summary>
[Flags]
public enum BlobTraits
{
    None = 0,
    Metadata = 1,
}

/// <summary>Which blob states a listing includes (only current blobs are supported).</summary>
[Flags]
public enum BlobStates
{
    None = 0,
}

/// <summary>A lease on a blob or container.</summary>
public sealed record BlobLease(ETag ETag, DateTimeOffset LastModified, string? LeaseId, int? LeaseTime);
