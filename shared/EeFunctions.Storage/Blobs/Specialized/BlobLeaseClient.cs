using System.Globalization;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Blobs.Models;

namespace EeFunctions.Storage.Blobs.Specialized;

/// <summary>Leases on a blob or a container (mirrors <c>Azure.Storage.Blobs.Specialized.BlobLeaseClient</c>).</summary>
public class BlobLeaseClient
{
    /// <summary>A lease that never expires (until released or broken).</summary>
    public static readonly TimeSpan InfiniteLeaseDuration = TimeSpan.FromSeconds(-1);

    private readonly StorageServiceContext _context;
    private readonly string _escapedPath;
    private readonly bool _isContainer;

    internal BlobLeaseClient(StorageServiceContext context, string escapedPath, bool isContainer, string? leaseId)
    {
        _context = context;
        _escapedPath = escapedPath;
        _isContainer = isContainer;
        LeaseId = leaseId ?? Guid.NewGuid().ToString();
    }

    /// <summary>The lease id this client acquires, renews and releases (changes after <see cref="ChangeAsync"/>).</summary>
    public string LeaseId { get; private set; }

    /// <summary>Acquires the lease for 15–60 s, or infinitely with <see cref="InfiniteLeaseDuration"/>.</summary>
    public async Task<Response<BlobLease>> AcquireAsync(TimeSpan duration, RequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var seconds = duration < TimeSpan.Zero ? -1 : (int)duration.TotalSeconds;
        return await SendAsync("acquire", conditions, r =>
        {
            r.Headers.SetValue("x-ms-lease-duration", seconds.ToString(CultureInfo.InvariantCulture));
            r.Headers.SetValue("x-ms-proposed-lease-id", LeaseId);
        }, cancellationToken);
    }

    public Task<Response<BlobLease>> RenewAsync(RequestConditions? conditions = null, CancellationToken cancellationToken = default) =>
        SendAsync("renew", conditions, r => r.Headers.SetValue("x-ms-lease-id", LeaseId), cancellationToken);

    public Task<Response<BlobLease>> ReleaseAsync(RequestConditions? conditions = null, CancellationToken cancellationToken = default) =>
        SendAsync("release", conditions, r => r.Headers.SetValue("x-ms-lease-id", LeaseId), cancellationToken);

    /// <summary>Changes the active lease's id to <paramref name="proposedId"/>.</summary>
    public async Task<Response<BlobLease>> ChangeAsync(string proposedId, RequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(proposedId);
        var response = await SendAsync("change", conditions, r =>
        {
            r.Headers.SetValue("x-ms-lease-id", LeaseId);
            r.Headers.SetValue("x-ms-proposed-lease-id", proposedId);
        }, cancellationToken);
        LeaseId = proposedId;
        return response;
    }

    /// <summary>Breaks whatever lease is active, after <paramref name="breakPeriod"/> (null: the lease's own remaining time).</summary>
    public Task<Response<BlobLease>> BreakAsync(TimeSpan? breakPeriod = null, RequestConditions? conditions = null, CancellationToken cancellationToken = default) =>
        SendAsync("break", conditions, r =>
        {
            if (breakPeriod is { } period)
            {
                r.Headers.SetValue("x-ms-lease-break-period", ((int)period.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            }
        }, cancellationToken);

    private async Task<Response<BlobLease>> SendAsync(string action, RequestConditions? conditions, Action<Request> configure, CancellationToken cancellationToken)
    {
        var query = _isContainer ? "comp=lease&restype=container" : "comp=lease";
        using var message = _context.CreateMessage(RequestMethod.Put, _context.BuildUri(_escapedPath, query));
        message.Request.Headers.SetValue("x-ms-lease-action", action);
        configure(message.Request);
        BlobHeaders.ApplyConditions(message.Request, conditions);
        var response = await _context.SendAsync(message, cancellationToken);
        var leaseTime = response.Headers.TryGetValue("x-ms-lease-time", out var t) && int.TryParse(t, CultureInfo.InvariantCulture, out var seconds) ? seconds : (int?)null;
        return Response.FromValue(new BlobLease(BlobHeaders.ETagOf(response), BlobHeaders.LastModified(response), BlobHeaders.Header(response, "x-ms-lease-id"), leaseTime), response);
    }
}

/// <summary>Factory extensions, as in the official <c>SpecializedBlobExtensions</c>.</summary>
public static class SpecializedBlobExtensions
{
    public static BlobLeaseClient GetBlobLeaseClient(this BlobClient client, string? leaseId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new BlobLeaseClient(client.Context, client.EscapedPath, isContainer: false, leaseId);
    }

    public static BlobLeaseClient GetBlobLeaseClient(this BlobContainerClient client, string? leaseId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new BlobLeaseClient(client.Context, client.EscapedPath, isContainer: true, leaseId);
    }
}
