using EeFunctions.EarthEngine.Errors;
using EeFunctions.Functions.EarthEngine;
using EeFunctions.Raster;
using EeFunctions.Storage;
using EeFunctions.Storage.Blobs;
using EeFunctions.Testing;
using Microsoft.Extensions.Options;

namespace EeFunctions.Functions.Tests;

/// <summary>How an import reaches the pixels of a blob source: in place by range reads, pinned to one version.</summary>
public sealed class SourceResolverTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("eef-resolver-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private SourceResolver ResolverFor(BlobServiceClient blobs)
    {
        var options = Options.Create(new EarthEngineOptions { LocalCacheDirectory = _cache });
        return new SourceResolver(blobs, new SafeHttpDownloader(options), options);
    }

    private async Task<(BlobServiceClient Blobs, SourceLocation Location)> UploadAsync(string raster)
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var container = AzuriteFixture.UniqueName("src");
        await blobs.GetBlobContainerClient(container).CreateAsync();
        await using (var file = File.OpenRead(TestData.Raster(raster)))
        {
            await blobs.GetBlobContainerClient(container).GetBlobClient("in/" + raster).UploadAsync(file);
        }

        return (blobs, new SourceLocation($"gs://{container}/in/{raster}", container, "in/" + raster));
    }

    [Fact]
    public async Task A_blob_source_is_read_in_place_by_GDAL_without_a_local_copy()
    {
        var (blobs, location) = await UploadAsync("cogeo.tif");

        var opened = await ResolverFor(blobs).OpenAsync(location, CancellationToken.None);
        var info = RasterInspector.Inspect(opened.GdalPath);

        Assert.StartsWith("/vsicurl/http", opened.GdalPath, StringComparison.Ordinal);
        Assert.Contains("sp=r", opened.GdalPath, StringComparison.Ordinal);
        Assert.Equal(RasterInspector.Inspect(TestData.Raster("cogeo.tif")).Width, info.Width);
        Assert.Equal(new FileInfo(TestData.Raster("cogeo.tif")).Length, opened.Length);
        Assert.Empty(Directory.GetFiles(_cache));
    }

    [Fact]
    public async Task Opening_pins_the_blob_version_and_a_replaced_blob_is_refused()
    {
        var (blobs, location) = await UploadAsync("byte.tif");
        var resolver = ResolverFor(blobs);
        var pinned = (await resolver.OpenAsync(location, CancellationToken.None)).Location;
        await resolver.EnsureUnchangedAsync([pinned], CancellationToken.None);

        await using (var file = File.OpenRead(TestData.Raster("float32.tif")))
        {
            await blobs.GetBlobContainerClient(location.Container!).GetBlobClient(location.Blob!).UploadAsync(file, overwrite: true);
        }

        Assert.NotNull(pinned.ETag);
        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => resolver.EnsureUnchangedAsync([pinned], CancellationToken.None));
        Assert.Equal(EeStatusCode.FailedPrecondition, ex.Code);
        Assert.Contains(location.Uri, ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<EarthEngineException>(() => resolver.ReadHeadAsync(pinned, 16, CancellationToken.None));
    }

    [Fact]
    public async Task A_replaced_blob_is_read_afresh_not_from_GDALs_cache_of_the_old_one()
    {
        var (blobs, location) = await UploadAsync("byte.tif");
        var resolver = ResolverFor(blobs);
        var before = RasterInspector.Inspect((await resolver.OpenAsync(location, CancellationToken.None)).GdalPath);
        await using (var file = File.OpenRead(TestData.Raster("float32.tif")))
        {
            await blobs.GetBlobContainerClient(location.Container!).GetBlobClient(location.Blob!).UploadAsync(file, overwrite: true);
        }

        var after = RasterInspector.Inspect((await resolver.OpenAsync(location, CancellationToken.None)).GdalPath);

        Assert.Equal(RasterInspector.Inspect(TestData.Raster("byte.tif")).Bands[0].DataType, before.Bands[0].DataType);
        Assert.Equal(RasterInspector.Inspect(TestData.Raster("float32.tif")).Bands[0].DataType, after.Bands[0].DataType);
    }

    [Fact]
    public async Task The_head_of_a_source_is_read_with_one_range_request()
    {
        var (blobs, location) = await UploadAsync("byte.tif");

        var head = await ResolverFor(blobs).ReadHeadAsync(location, 4, CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(TestData.Raster("byte.tif"))[..4], head);
    }

    [Fact]
    public async Task A_missing_blob_is_an_invalid_argument_naming_it()
    {
        var (blobs, location) = await UploadAsync("byte.tif");
        var missing = location with { Uri = location.Uri + ".nope", Blob = location.Blob + ".nope" };

        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => ResolverFor(blobs).OpenAsync(missing, CancellationToken.None));

        Assert.Equal(EeStatusCode.InvalidArgument, ex.Code);
        Assert.Contains(missing.Uri, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_account_key_a_source_is_copied_once_and_read_locally()
    {
        var (keyed, location) = await UploadAsync("byte.tif");
        var sas = new EeFunctions.Storage.Sas.AccountSasBuilder { Permissions = "rl", Services = "b", ExpiresOn = DateTimeOffset.UtcNow.AddHours(1) }
            .ToSasQueryParameters(new StorageSharedKeyCredential(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey));
        var blobs = new BlobServiceClient(new Uri(keyed.Uri.AbsoluteUri.TrimEnd('/') + "?" + sas));
        var resolver = ResolverFor(blobs);

        var first = await resolver.OpenAsync(location, CancellationToken.None);
        var second = await resolver.OpenAsync(location, CancellationToken.None);

        Assert.StartsWith(_cache, first.GdalPath, StringComparison.Ordinal);
        Assert.Equal(first.GdalPath, second.GdalPath);
        Assert.Equal(File.ReadAllBytes(TestData.Raster("byte.tif")), File.ReadAllBytes(first.GdalPath));
    }
}
