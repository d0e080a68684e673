using Azure.Data.Tables;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Models;
using EeFunctions.App.EarthEngine;
using EeFunctions.Raster;
using EeFunctions.Raster.Tiles;
using EeFunctions.Testing;

namespace EeFunctions.App.Tests;

/// <summary>The catalogue's compare-and-swap rules against real Table storage: no asset outlives its folder, one flip wins.</summary>
public sealed class AssetCatalogRaceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Project = "race";

    private AssetCatalog Catalog() =>
        new(new TableServiceClient(azurite.ConnectionString).GetTableClient(AzuriteFixture.UniqueName("assets").Replace("-", string.Empty, StringComparison.Ordinal)));

    [Fact]
    public async Task A_folder_delete_racing_an_insert_into_it_never_leaves_the_new_asset_without_its_folder()
    {
        var catalog = Catalog();
        for (var round = 0; round < 20; round++)
        {
            var folder = $"f{round}";
            await catalog.RegisterImageAsync(Project, $"{folder}/seed", Image(folder + "/seed"), Stored(1), overwrite: false, CancellationToken.None);
            await catalog.DeleteAsync(Project, $"{folder}/seed", CancellationToken.None);

            var delete = Attempt(() => catalog.DeleteAsync(Project, folder, CancellationToken.None));
            var insert = Attempt(() => catalog.RegisterImageAsync(Project, $"{folder}/new", Image(folder + "/new"), Stored(2), overwrite: false, CancellationToken.None));
            await Task.WhenAll(delete, insert);

            Assert.True(await insert, $"round {round}: the insert failed");
            Assert.NotNull(await catalog.GetAsync(Project, $"{folder}/new", CancellationToken.None));
            Assert.NotNull(await catalog.GetAsync(Project, folder, CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_folder_seen_with_a_child_refuses_deletion()
    {
        var catalog = Catalog();
        await catalog.RegisterImageAsync(Project, "full/child", Image("full/child"), Stored(1), overwrite: false, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => catalog.DeleteAsync(Project, "full", CancellationToken.None));

        Assert.Equal(EeStatusCode.FailedPrecondition, ex.Code);
    }

    [Fact]
    public async Task Racing_overwrites_of_one_image_each_flip_it_once_and_the_replaced_generations_chain()
    {
        var catalog = Catalog();
        await catalog.RegisterImageAsync(Project, "img", Image("img"), Stored(100), overwrite: false, CancellationToken.None);

        var replaced = await Task.WhenAll(Enumerable.Range(101, 8).Select(g =>
            catalog.RegisterImageAsync(Project, "img", Image("img"), Stored(g), overwrite: true, CancellationToken.None)));

        // Each overwrite swapped out a distinct generation, so together with the one left standing they are all of them:
        // no two overwrites replaced the same row, and none was lost.
        var current = await catalog.GetAsync(Project, "img", CancellationToken.None);
        var seen = replaced.Select(r => r!.Value).Append(current!.Image!.Generation).Order();
        Assert.Equal(Enumerable.Range(100, 9).Select(g => (long)g), seen);
    }

    /// <summary>Runs an operation that may lose a race; true when it succeeded.</summary>
    private static async Task<bool> Attempt<T>(Func<Task<T>> operation)
    {
        try
        {
            await operation();
            return true;
        }
        catch (EarthEngineException ex) when (ex.Code is EeStatusCode.FailedPrecondition or EeStatusCode.NotFound)
        {
            return false;
        }
    }

    private static EarthEngineAsset Image(string path) => new()
    {
        Type = AssetType.Image,
        Name = $"projects/{Project}/assets/{path}",
        Id = $"projects/{Project}/assets/{path}",
        UpdateTime = DateTimeOffset.UtcNow,
    };

    private static StoredImage Stored(long generation)
    {
        var layout = new TilesetLayout
        {
            Width = 256,
            Height = 256,
            TileSize = 256,
            DataType = RasterDataType.Byte,
            Bands = [new Raster.Tiles.TilesetBand("b1", Raster.PyramidingPolicy.Mean)],
            Transform = new GeoTransform(10, 0.001, 0, 50, 0, -0.001),
        };
        return new StoredImage(generation, [new StoredTileset("ts", layout, "EPSG:4326")], [new StoredBand("b1", "ts", 0)]);
    }
}
