using System.Diagnostics;
using System.Security.Cryptography;
using EeFunctions.Storage.Blobs;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Blobs;

public sealed class LargeBlobTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const long Size = 300L * 1024 * 1024;
    private const long MemoryBudget = 128L * 1024 * 1024;

    [Fact]
    public async Task A_300_MiB_round_trip_keeps_its_sha256_with_bounded_memory()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("big"));
        await container.CreateAsync();
        var blob = container.GetBlobClient("300mib.bin");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = CurrentRss();
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, CurrentRss());
                await Task.Delay(50);
            }
        });

        using var source = new PseudoRandomStream(Size, seed: 42);
        await blob.UploadAsync(source, overwrite: true);
        var uploadedHash = source.Hash;

        using var sink = new HashingSink();
        await blob.DownloadToAsync(sink);
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(Size, sink.Length);
        Assert.Equal(Convert.ToHexString(uploadedHash), Convert.ToHexString(sink.Hash));
        Assert.True(peak - baseline < MemoryBudget, $"process memory rose by {(peak - baseline) / (1024 * 1024)} MiB");
        await container.DeleteAsync();
    }

    private static long CurrentRss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>A non-seekable source of deterministic bytes, hashed as they are read.</summary>
    private sealed class PseudoRandomStream(long length, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        public byte[] Hash => _hash.GetHashAndReset();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            _random.NextBytes(buffer[..n]);
            _hash.AppendData(buffer[..n]);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A write-only sink that hashes and counts what it is given.</summary>
    private sealed class HashingSink : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public byte[] Hash => _hash.GetHashAndReset();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
