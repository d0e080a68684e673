using System.Net;
using Azure;
using EeFunctions.Storage.Blobs;
using EeFunctions.Storage.Blobs.Models;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Blobs;

public sealed class BlobClientTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("b"));
        await container.CreateAsync();
        return container;
    }

    [Fact]
    public async Task Upload_then_download_returns_the_same_bytes_and_properties()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("dir/ünïcode name.bin");
        var bytes = RandomBytes(100_000, seed: 1);

        var info = await blob.UploadAsync(BinaryData.FromBytes(bytes), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "image/tiff" },
            Metadata = new Dictionary<string, string> { ["tileset"] = "t0" },
        });

        var download = await blob.DownloadContentAsync();
        Assert.Equal(bytes, download.Value.Content.ToArray());
        Assert.Equal(info.Value.ETag, download.Value.Details.ETag);

        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal(100_000, properties.ContentLength);
        Assert.Equal("image/tiff", properties.ContentType);
        Assert.Equal("t0", properties.Metadata["tileset"]);
        Assert.Equal(info.Value.ETag, properties.ETag);
        Assert.Equal(LeaseState.Available, properties.LeaseState);
    }

    [Fact]
    public async Task Range_download_returns_exactly_the_requested_bytes()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("r");
        var bytes = RandomBytes(65_536, seed: 2);
        await blob.UploadAsync(BinaryData.FromBytes(bytes));

        var result = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(1000, 4096) });
        using var download = result.Value;
        using var copy = new MemoryStream();
        await download.Content.CopyToAsync(copy);

        Assert.Equal(206, result.GetRawResponse().Status);
        Assert.Equal(bytes.AsSpan(1000, 4096).ToArray(), copy.ToArray());
    }

    [Fact]
    public async Task Range_past_the_end_fails_with_InvalidRange()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("short");
        await blob.UploadAsync(BinaryData.FromString("abc"));
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(10, 5) }));
        Assert.Equal(416, ex.Status);
        Assert.Equal(BlobErrorCode.InvalidRange, ex.ErrorCode);
    }

    [Fact]
    public async Task Upload_without_overwrite_of_an_existing_blob_fails_with_BlobAlreadyExists()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("once");
        await blob.UploadAsync(BinaryData.FromString("first"));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("second")));

        Assert.Equal(409, ex.Status);
        Assert.Equal(BlobErrorCode.BlobAlreadyExists, ex.ErrorCode);
        Assert.Equal("first", (await blob.DownloadContentAsync()).Value.Content.ToString());
        await blob.UploadAsync(BinaryData.FromString("third"), overwrite: true);
        Assert.Equal("third", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    public enum EtagCase
    {
        Match,
        Mismatch,
        Missing,
    }

    public static TheoryData<string, EtagCase> ConditionalWrites => new()
    {
        { "upload", EtagCase.Match }, { "upload", EtagCase.Mismatch }, { "upload", EtagCase.Missing },
        { "metadata", EtagCase.Match }, { "metadata", EtagCase.Mismatch }, { "metadata", EtagCase.Missing },
        { "delete", EtagCase.Match }, { "delete", EtagCase.Mismatch }, { "delete", EtagCase.Missing },
    };

    [Theory]
    [MemberData(nameof(ConditionalWrites))]
    public async Task Conditional_write_with_if_match_succeeds_only_on_the_current_etag(string operation, EtagCase etagCase)
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("cas");
        var current = etagCase == EtagCase.Missing ? new ETag("\"0x8D000000000000\"") : (await blob.UploadAsync(BinaryData.FromString("v1"))).Value.ETag;
        if (etagCase == EtagCase.Mismatch)
        {
            await blob.UploadAsync(BinaryData.FromString("v2"), overwrite: true);
        }

        var conditions = new BlobRequestConditions { IfMatch = current };
        Task write = operation switch
        {
            "upload" => blob.UploadAsync(BinaryData.FromString("v3"), new BlobUploadOptions { Conditions = conditions }),
            "metadata" => blob.SetMetadataAsync(new Dictionary<string, string> { ["k"] = "v" }, conditions),
            _ => blob.DeleteAsync(conditions),
        };

        if (etagCase == EtagCase.Match)
        {
            await write;
            return;
        }

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => write);
        if (etagCase == EtagCase.Mismatch)
        {
            Assert.Equal(412, ex.Status);
            Assert.Equal(BlobErrorCode.ConditionNotMet, ex.ErrorCode);
            Assert.Equal("v2", (await blob.DownloadContentAsync()).Value.Content.ToString());
        }
        else
        {
            Assert.True(ex.Status is 404 or 412, $"status {ex.Status}");
            Assert.False((await blob.ExistsAsync()).Value);
        }
    }

    [Fact]
    public async Task If_none_match_star_creates_only_when_the_blob_is_absent()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("create-only");
        var createOnly = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };

        await blob.UploadAsync(BinaryData.FromString("a"), createOnly);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("b"), createOnly));

        Assert.Equal(409, ex.Status);
        Assert.Equal(BlobErrorCode.BlobAlreadyExists, ex.ErrorCode);
    }

    [Fact]
    public async Task Delete_if_exists_reports_whether_there_was_a_blob()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("d");
        Assert.False((await blob.DeleteIfExistsAsync()).Value);
        await blob.UploadAsync(BinaryData.FromString("x"));
        Assert.True((await blob.DeleteIfExistsAsync()).Value);
        Assert.False((await blob.ExistsAsync()).Value);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetPropertiesAsync());
        Assert.Equal(404, ex.Status);
        Assert.Equal(BlobErrorCode.BlobNotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task Block_upload_of_unknown_length_commits_all_blocks_in_order()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("blocks");
        var bytes = RandomBytes(5 * 1024 * 1024 + 123, seed: 3);
        using var source = new NonSeekableStream(new MemoryStream(bytes));

        await blob.UploadAsync(source, new BlobUploadOptions
        {
            TransferOptions = new StorageTransferOptions { InitialTransferSize = 1024 * 1024, MaximumTransferSize = 1024 * 1024, MaximumConcurrency = 3 },
        });

        Assert.Equal(bytes, (await blob.DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task Block_upload_honours_if_none_match_at_commit()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("blocks-once");
        await blob.UploadAsync(BinaryData.FromString("original"));
        var bytes = RandomBytes(3 * 1024 * 1024, seed: 4);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(new MemoryStream(bytes), new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            TransferOptions = new StorageTransferOptions { InitialTransferSize = 1024 * 1024, MaximumTransferSize = 1024 * 1024 },
        }));

        Assert.Equal(BlobErrorCode.BlobAlreadyExists, ex.ErrorCode);
        Assert.Equal("original", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task Download_to_a_file_writes_the_whole_blob()
    {
        var blob = (await NewContainerAsync()).GetBlobClient("file");
        var bytes = RandomBytes(300_000, seed: 5);
        await blob.UploadAsync(BinaryData.FromBytes(bytes));
        var path = Path.GetTempFileName();
        try
        {
            await blob.DownloadToAsync(path);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_missing_container_surfaces_as_ContainerNotFound()
    {
        var blob = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("nope")).GetBlobClient("x");
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("x")));
        Assert.Equal((int)HttpStatusCode.NotFound, ex.Status);
        Assert.Equal(BlobErrorCode.ContainerNotFound, ex.ErrorCode);
        Assert.False((await blob.DeleteIfExistsAsync()).Value);
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
