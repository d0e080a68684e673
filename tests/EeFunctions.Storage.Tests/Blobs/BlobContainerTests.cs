using Azure;
using EeFunctions.Storage.Blobs;
using EeFunctions.Storage.Blobs.Models;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Blobs;

public sealed class BlobContainerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private BlobContainerClient NewContainer() =>
        new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("c"));

    [Fact]
    public async Task Create_if_not_exists_creates_once_and_then_reports_existing()
    {
        var container = NewContainer();
        Assert.False((await container.ExistsAsync()).Value);

        Assert.NotNull(await container.CreateIfNotExistsAsync());
        Assert.Null(await container.CreateIfNotExistsAsync());
        Assert.True((await container.ExistsAsync()).Value);
    }

    [Fact]
    public async Task Create_of_an_existing_container_fails_with_ContainerAlreadyExists()
    {
        var container = NewContainer();
        await container.CreateAsync();
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => container.CreateAsync());
        Assert.Equal(409, ex.Status);
        Assert.Equal(BlobErrorCode.ContainerAlreadyExists, ex.ErrorCode);
    }

    [Fact]
    public async Task Delete_if_exists_is_false_for_a_missing_container_and_true_for_an_existing_one()
    {
        var container = NewContainer();
        Assert.False((await container.DeleteIfExistsAsync()).Value);
        await container.CreateAsync();
        Assert.True((await container.DeleteIfExistsAsync()).Value);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => container.DeleteAsync());
        Assert.Equal(BlobErrorCode.ContainerNotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task Listing_pages_over_2500_blobs_and_resumes_from_a_continuation_token()
    {
        var container = NewContainer();
        await container.CreateAsync();
        var names = Enumerable.Range(0, 2500).Select(i => $"many/{i:D5}").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, ct) =>
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(name), cancellationToken: ct));

        var pages = new List<Page<BlobItem>>();
        await foreach (var page in container.GetBlobsAsync(prefix: "many/").AsPages(pageSizeHint: 1000))
        {
            pages.Add(page);
        }

        Assert.Equal(3, pages.Count);
        Assert.Equal(names, pages.SelectMany(p => p.Values).Select(b => b.Name));
        Assert.All(pages.SelectMany(p => p.Values), b => Assert.Equal(b.Name.Length, b.Properties.ContentLength));

        var resumed = new List<string>();
        await foreach (var page in container.GetBlobsAsync(prefix: "many/").AsPages(pages[0].ContinuationToken, 1000))
        {
            resumed.AddRange(page.Values.Select(b => b.Name));
        }

        Assert.Equal(names.Skip(1000), resumed);
    }

    [Fact]
    public async Task Hierarchy_listing_splits_blobs_and_virtual_directories()
    {
        var container = NewContainer();
        await container.CreateAsync();
        foreach (var name in new[] { "a/1.tif", "a/b/2.tif", "a/c/3.tif", "top.tif" })
        {
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(name));
        }

        var root = new List<BlobHierarchyItem>();
        await foreach (var item in container.GetBlobsByHierarchyAsync(delimiter: "/"))
        {
            root.Add(item);
        }

        Assert.Equal(["a/"], root.Where(i => i.IsPrefix).Select(i => i.Prefix));
        Assert.Equal(["top.tif"], root.Where(i => i.IsBlob).Select(i => i.Blob!.Name));

        var underA = new List<BlobHierarchyItem>();
        await foreach (var item in container.GetBlobsByHierarchyAsync(delimiter: "/", prefix: "a/"))
        {
            underA.Add(item);
        }

        Assert.Equal(["a/b/", "a/c/"], underA.Where(i => i.IsPrefix).Select(i => i.Prefix).Order(StringComparer.Ordinal));
        Assert.Equal(["a/1.tif"], underA.Where(i => i.IsBlob).Select(i => i.Blob!.Name));
    }

    [Fact]
    public async Task Listing_with_metadata_trait_returns_each_blobs_metadata()
    {
        var container = NewContainer();
        await container.CreateAsync();
        await container.GetBlobClient("m").UploadAsync(BinaryData.FromString("x"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["generation"] = "7" } });

        var items = new List<BlobItem>();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.Metadata))
        {
            items.Add(item);
        }

        Assert.Equal("7", Assert.Single(items).Metadata["generation"]);
    }
}
