using EeFunctions.EarthEngine.Errors;
using EeFunctions.App.EarthEngine;
using EeFunctions.Raster;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using EeFunctions.App.Hosting;
using EeFunctions.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Tests;

/// <summary>How an import reaches the pixels of a blob source: in place by range reads, pinned to one version.</summary>
public sealed class SourceResolverTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("eef-resolver-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private SourceResolver ResolverFor(BlobServiceClient blobs, long wholeReadCopyMaxBytes = 4L << 30)
    {
        var options = Options.Create(new EarthEngineOptions { LocalCacheDirectory = _cache, WholeReadCopyMaxBytes = wholeReadCopyMaxBytes });
        var connection = new StorageConnection(new StorageOptions { ConnectionString = azurite.ConnectionString }, credential: null);
        return new SourceResolver(blobs, new BlobReadSas(blobs, connection, NullLogger<BlobReadSas>.Instance), new SafeHttpDownloader(new SafeDownloadPolicy(options.Value.AllowPrivateNetworkSources, options.Value.MaxSourceBytes, options.Value.DownloadTimeout)), options);
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
    public async Task A_source_read_whole_is_downloaded_once_for_all_concurrent_readers_and_read_locally()
    {
        var (blobs, location) = await UploadAsync("cogeo.tif");
        var resolver = ResolverFor(blobs);

        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => resolver.OpenAsync(location, SourceAccess.Whole, CancellationToken.None)));

        Assert.Single(opened.Select(o => o.GdalPath).Distinct());
        Assert.StartsWith(_cache, opened[0].GdalPath, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(TestData.Raster("cogeo.tif")), File.ReadAllBytes(opened[0].GdalPath));
        Assert.Single(Directory.GetFiles(_cache));
        Assert.Equal(opened[0].Location.ETag, opened[3].Location.ETag);
    }

    [Fact]
    public async Task A_source_larger_than_the_copy_limit_is_read_in_place_even_when_read_whole()
    {
        var (blobs, location) = await UploadAsync("cogeo.tif");

        var opened = await ResolverFor(blobs, wholeReadCopyMaxBytes: 1024).OpenAsync(location, SourceAccess.Whole, CancellationToken.None);

        Assert.StartsWith("/vsicurl/http", opened.GdalPath, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_cache));
    }

    [Fact]
    public async Task A_local_copy_of_a_replaced_blob_is_refused_like_an_in_place_read()
    {
        var (blobs, location) = await UploadAsync("byte.tif");
        var resolver = ResolverFor(blobs);
        var pinned = (await resolver.OpenAsync(location, SourceAccess.Whole, CancellationToken.None)).Location;
        await using (var file = File.OpenRead(TestData.Raster("cogeo.tif")))
        {
            await blobs.GetBlobContainerClient(location.Container).GetBlobClient(location.Blob).UploadAsync(file, overwrite: true);
        }

        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => resolver.OpenAsync(pinned, SourceAccess.Whole, CancellationToken.None));

        Assert.Equal(EeStatusCode.FailedPrecondition, ex.Code);
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
        var sas = new AccountSasBuilder(AccountSasPermissions.Read | AccountSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1), AccountSasServices.Blobs, AccountSasResourceTypes.All)
            .ToSasQueryParameters(new StorageSharedKeyCredential(AzuriteInstance.DevelopmentAccountName, AzuriteInstance.DevelopmentAccountKey));
        var blobs = new BlobServiceClient(new Uri(keyed.Uri.AbsoluteUri.TrimEnd('/') + "?" + sas));
        var resolver = ResolverFor(blobs);

        var first = await resolver.OpenAsync(location, CancellationToken.None);
        var second = await resolver.OpenAsync(location, CancellationToken.None);

        Assert.StartsWith(_cache, first.GdalPath, StringComparison.Ordinal);
        Assert.Equal(first.GdalPath, second.GdalPath);
        Assert.Equal(File.ReadAllBytes(TestData.Raster("byte.tif")), File.ReadAllBytes(first.GdalPath));
    }
}
