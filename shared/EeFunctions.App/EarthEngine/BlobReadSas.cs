using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using EeFunctions.App.Hosting;

namespace EeFunctions.App.EarthEngine;

/// <summary>
/// Read-only SAS URLs of single blobs, for GDAL's <c>/vsicurl/</c>: a service SAS signed with the account key when the
/// connection has one, a user delegation SAS when the connection is identity-based, and none when neither can be
/// signed (the identity may lack the right to ask for a delegation key), so the caller reads a local copy instead.
/// </summary>
public sealed partial class BlobReadSas(BlobServiceClient blobs, StorageConnection connection, ILogger<BlobReadSas> logger)
{
    private readonly Lock _gate = new();
    private (DateTimeOffset Expiry, Task<UserDelegationKey?> Key)? _delegation;

    /// <summary>
    /// The blob's read-only SAS URL, or null when none can be signed. The expiry is rounded to the hour, so the URL
    /// (GDAL's cache key) stays the same across the activities of one import.
    /// </summary>
    public async Task<Uri?> ReadUriAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var now = DateTimeOffset.UtcNow;
        var expiry = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(3);
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(BlobSasPermissions.Read, expiry);
        }

        if (!connection.IsIdentityBased || await DelegationKeyAsync(expiry, cancellationToken) is not { } key)
        {
            return null;
        }

        return blob.GenerateUserDelegationSasUri(BlobSasPermissions.Read, expiry, key);
    }

    /// <summary>One delegation key per expiry window, shared by every blob signed in it (asking costs a round trip).</summary>
    private Task<UserDelegationKey?> DelegationKeyAsync(DateTimeOffset expiry, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_delegation is not { } current || current.Expiry != expiry || current.Key.IsCanceled)
            {
                _delegation = (expiry, RequestKeyAsync(expiry, cancellationToken));
            }

            return _delegation.Value.Key;
        }
    }

    private async Task<UserDelegationKey?> RequestKeyAsync(DateTimeOffset expiry, CancellationToken cancellationToken)
    {
        try
        {
            // Starts a little in the past: the storage service's clock may be behind ours.
            return (await blobs.GetUserDelegationKeyAsync(DateTimeOffset.UtcNow.AddMinutes(-5), expiry, cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status is 403 or 400)
        {
            LogNoDelegationKey(logger, blobs.Uri, ex.Status, ex.ErrorCode);
            return null;
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "{Account}: no user delegation key ({Status} {ErrorCode}); blob sources are copied locally instead of read in place. Grant the identity 'Storage Blob Delegator' to read them in place.")]
    private static partial void LogNoDelegationKey(ILogger logger, Uri account, int status, string? errorCode);
}
