using System.Buffers;
using System.Security;
using System.Text;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Blobs.Models;

namespace EeFunctions.Storage.Blobs;

/// <summary>
/// Uploads. A payload up to <see cref="StorageTransferOptions.InitialTransferSize"/> whose length is known goes
/// as one Put Blob streamed from the source; anything larger (or of unknown length past one block) is cut into
/// blocks sent in parallel and committed with one Put Block List. Memory stays at most
/// <c>MaximumConcurrency × MaximumTransferSize</c> whatever the size of the source.
/// </summary>
public partial class BlobClient
{
    private const long DefaultInitialTransferSize = 256L * 1024 * 1024;
    private const long DefaultBlockSize = 8L * 1024 * 1024;
    private const long MaxBlockSize = 4000L * 1024 * 1024;
    private const int DefaultConcurrency = 4;

    /// <summary>Uploads; fails with 409 BlobAlreadyExists if the blob exists (as the official client does).</summary>
    public Task<Response<BlobContentInfo>> UploadAsync(Stream content, CancellationToken cancellationToken = default) =>
        UploadAsync(content, overwrite: false, cancellationToken);

    /// <summary>Uploads; with <paramref name="overwrite"/> false, an existing blob is a 409 BlobAlreadyExists.</summary>
    public Task<Response<BlobContentInfo>> UploadAsync(Stream content, bool overwrite, CancellationToken cancellationToken = default) =>
        UploadAsync(content, new BlobUploadOptions { Conditions = overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);

    public Task<Response<BlobContentInfo>> UploadAsync(BinaryData content, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return UploadAsync(content.ToStream(), overwrite, cancellationToken);
    }

    public Task<Response<BlobContentInfo>> UploadAsync(BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return UploadAsync(content.ToStream(), options, cancellationToken);
    }

    /// <summary>Uploads with headers, metadata, conditions and transfer options; without conditions it overwrites.</summary>
    public async Task<Response<BlobContentInfo>> UploadAsync(Stream content, BlobUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        var transfer = options.TransferOptions;
        var initial = transfer.InitialTransferSize ?? DefaultInitialTransferSize;
        var blockSize = Math.Clamp(transfer.MaximumTransferSize ?? DefaultBlockSize, 1, MaxBlockSize);
        var concurrency = Math.Max(1, transfer.MaximumConcurrency ?? DefaultConcurrency);

        if (content.CanSeek)
        {
            var remaining = content.Length - content.Position;
            if (remaining <= initial)
            {
                return await PutBlobAsync(RequestContent.Create(new SubStream(content, content.Position, remaining)), options, cancellationToken);
            }

            return await UploadInBlocksAsync(content, null, options, (int)blockSize, concurrency, cancellationToken);
        }

        // Unknown length: read one block; if the source ends inside it, a single put suffices.
        var first = ArrayPool<byte>.Shared.Rent((int)Math.Min(blockSize, initial));
        var read = await ReadFullAsync(content, first.AsMemory(0, (int)Math.Min(blockSize, initial)), cancellationToken);
        if (read < Math.Min(blockSize, initial))
        {
            try
            {
                return await PutBlobAsync(RequestContent.Create(new ReadOnlyMemory<byte>(first, 0, read)), options, cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(first);
            }
        }

        return await UploadInBlocksAsync(content, (first, read), options, (int)blockSize, concurrency, cancellationToken);
    }

    private async Task<Response<BlobContentInfo>> PutBlobAsync(RequestContent body, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        using var message = _context.CreateMessage(RequestMethod.Put, Uri);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        message.Request.Headers.SetValue("Content-Type", "application/octet-stream");
        BlobHeaders.ApplyHttpHeaders(message.Request, options.HttpHeaders);
        BlobHeaders.ApplyMetadata(message.Request, options.Metadata);
        BlobHeaders.ApplyConditions(message.Request, options.Conditions);
        message.Request.Content = body;
        var response = await _context.SendAsync(message, cancellationToken);
        return Response.FromValue(new BlobContentInfo(BlobHeaders.ETagOf(response), BlobHeaders.LastModified(response), BlobHeaders.Md5(response)), response);
    }

    private async Task<Response<BlobContentInfo>> UploadInBlocksAsync(
        Stream content, (byte[] Buffer, int Length)? first, BlobUploadOptions options, int blockSize, int concurrency, CancellationToken cancellationToken)
    {
        var blockIds = new List<string>();
        var prefix = Guid.NewGuid().ToString("N")[..8];
        using var gate = new SemaphoreSlim(concurrency);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new List<Task>();
        var pending = first;
        try
        {
            while (true)
            {
                await gate.WaitAsync(failed.Token);
                byte[] buffer;
                int length;
                if (pending is { } p)
                {
                    (buffer, length) = p;
                    pending = null;
                }
                else
                {
                    buffer = ArrayPool<byte>.Shared.Rent(blockSize);
                    length = await ReadFullAsync(content, buffer.AsMemory(0, blockSize), failed.Token);
                    if (length == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        gate.Release();
                        break;
                    }
                }

                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{prefix}-{blockIds.Count:D8}"));
                blockIds.Add(id);
                inFlight.Add(PutBlockAndReleaseAsync(id, buffer, length, options.Conditions?.LeaseId, gate, failed));
                inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
                if (length < blockSize)
                {
                    break;
                }
            }

            await Task.WhenAll(inFlight);
        }
        catch
        {
            await failed.CancelAsync();
            await Task.WhenAll(inFlight.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)));
            throw;
        }

        return await PutBlockListAsync(blockIds, options, cancellationToken);
    }

    private async Task PutBlockAndReleaseAsync(string blockId, byte[] buffer, int length, string? leaseId, SemaphoreSlim gate, CancellationTokenSource failed)
    {
        try
        {
            var query = "comp=block&blockid=" + Uri.EscapeDataString(blockId);
            using var message = _context.CreateMessage(RequestMethod.Put, _context.BuildUri(EscapedPath, query));
            if (leaseId is not null)
            {
                message.Request.Headers.SetValue("x-ms-lease-id", leaseId);
            }

            message.Request.Content = RequestContent.Create(new ReadOnlyMemory<byte>(buffer, 0, length));
            await _context.SendAsync(message, failed.Token);
        }
        catch
        {
            await failed.CancelAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            gate.Release();
        }
    }

    private async Task<Response<BlobContentInfo>> PutBlockListAsync(List<string> blockIds, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in blockIds)
        {
            xml.Append("<Latest>").Append(SecurityElement.Escape(id)).Append("</Latest>");
        }

        xml.Append("</BlockList>");
        using var message = _context.CreateMessage(RequestMethod.Put, _context.BuildUri(EscapedPath, "comp=blocklist"));
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        BlobHeaders.ApplyHttpHeaders(message.Request, options.HttpHeaders ?? new BlobHttpHeaders { ContentType = "application/octet-stream" });
        BlobHeaders.ApplyMetadata(message.Request, options.Metadata);
        BlobHeaders.ApplyConditions(message.Request, options.Conditions);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml.ToString()));
        var response = await _context.SendAsync(message, cancellationToken);
        return Response.FromValue(new BlobContentInfo(BlobHeaders.ETagOf(response), BlobHeaders.LastModified(response), null), response);
    }

    private static async ValueTask<int> ReadFullAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[total..], cancellationToken);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
