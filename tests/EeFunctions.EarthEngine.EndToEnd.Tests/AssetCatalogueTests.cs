using System.Net;
using System.Text.Json.Nodes;
using EeFunctions.EarthEngine.Models;
using EeFunctions.App.EarthEngine;
using EeFunctions.Raster;
using EeFunctions.Raster.Tiles;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>The asset catalogue over HTTP: get, listAssets (folders, project root, paging) and delete.</summary>
[Collection(EeHostGroup.Name)]
public sealed class AssetCatalogueTests(EeHostFixture host)
{
    private const int SeededImages = 250;
    private static readonly string[] s_imageThenFolder = ["IMAGE", "FOLDER"];
    private static readonly string[] s_basicFields = ["type", "name", "id"];

    [Fact]
    public async Task Listing_a_folder_of_252_children_pages_through_each_direct_child_once_in_name_order()
    {
        const string project = "catalogue-paging";
        await SeedFolderAsync(project);
        using var client = host.Client(host.Token(project));

        foreach (var pageSize in new[] { 100, 7, 1000 })
        {
            var pages = await ListPagesAsync(client, $"/v1/projects/{project}/assets/big:listAssets", pageSize);
            Assert.All(pages, page => Assert.InRange(page.Count, 1, pageSize));
            Assert.Equal((252 + pageSize - 1) / pageSize, pages.Count);
            var names = pages.SelectMany(p => p).ToList();
            Assert.Equal(ExpectedChildren(project), names);
        }
    }

    [Fact]
    public async Task Folders_list_as_FOLDER_entries_without_their_contents_and_images_in_the_basic_view()
    {
        const string project = "catalogue-nested";
        await SeedFolderAsync(project);
        using var client = host.Client(host.Token(project));

        var (status, body) = await EeApi.GetAsync(client, $"/v1/projects/{project}/assets/big/img-1:listAssets");
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        var assets = body!["assets"]!.AsArray();
        Assert.Equal(new[] { $"projects/{project}/assets/big/img-1/a", $"projects/{project}/assets/big/img-1/b" }, assets.Select(a => a!["name"]!.GetValue<string>()));
        Assert.Equal(s_imageThenFolder, assets.Select(a => a!["type"]!.GetValue<string>()));
        Assert.All(assets, a => Assert.NotNull(a!["updateTime"]));
        Assert.All(assets, a => Assert.Null(a!["bands"]));
        Assert.Null(body["nextPageToken"]);

        var (basicStatus, basic) = await EeApi.GetAsync(client, $"/v1/projects/{project}/assets/big/img-1:listAssets?view=BASIC");
        Assert.Equal(HttpStatusCode.OK, basicStatus);
        Assert.All(basic!["assets"]!.AsArray(), a => Assert.Equal(s_basicFields, a!.AsObject().Select(p => p.Key)));

        var (deepStatus, deep) = await EeApi.GetAsync(client, $"/v1/projects/{project}/assets/big/img-1/b:listAssets");
        Assert.Equal(HttpStatusCode.OK, deepStatus);
        Assert.Equal($"projects/{project}/assets/big/img-1/b/c", Assert.Single(deep!["assets"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{0}:listAssets")]
    [InlineData("{0}/assets:listAssets")]
    [InlineData("{0}/assets/:listAssets")]
    public async Task The_project_root_lists_its_top_level_assets_only(string form)
    {
        const string project = "catalogue-root";
        await SeedFolderAsync(project);
        using var client = host.Client(host.Token(project));

        var pages = await ListPagesAsync(client, "/v1/" + string.Format(System.Globalization.CultureInfo.InvariantCulture, form, $"projects/{project}"), 1);
        Assert.Equal(new List<string>[] { [$"projects/{project}/assets/big"], [$"projects/{project}/assets/top"] }, pages);
    }

    [Fact]
    public async Task An_empty_project_root_lists_no_assets()
    {
        using var client = host.Client(host.Token("catalogue-empty"));
        var (status, body) = await EeApi.GetAsync(client, "/v1/projects/catalogue-empty:listAssets");
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Null(body!["assets"]);
        Assert.Null(body["nextPageToken"]);
    }

    [Fact]
    public async Task Listing_refuses_images_missing_folders_bad_page_sizes_and_foreign_page_tokens()
    {
        const string project = "catalogue-errors";
        await SeedFolderAsync(project);
        using var client = host.Client(host.Token(project));
        var (_, first) = await EeApi.GetAsync(client, $"/v1/projects/{project}/assets/big:listAssets?pageSize=2");
        var token = first!["nextPageToken"]!.GetValue<string>();

        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/top:listAssets", HttpStatusCode.BadRequest, "INVALID_ARGUMENT");
        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/nowhere:listAssets", HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/big:listAssets?pageSize=-1", HttpStatusCode.BadRequest, "INVALID_ARGUMENT");
        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/big:listAssets?pageSize=ten", HttpStatusCode.BadRequest, "INVALID_ARGUMENT");
        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/big:listAssets?view=SOME", HttpStatusCode.BadRequest, "INVALID_ARGUMENT");
        await AssertErrorAsync(client, $"/v1/projects/{project}:listAssets?pageToken={Uri.EscapeDataString(token)}", HttpStatusCode.BadRequest, "INVALID_ARGUMENT");
        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/big:listAssets?pageToken=not-a-token", HttpStatusCode.BadRequest, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task Get_answers_folders_with_type_name_id_and_update_time_and_images_with_each_bands_type_and_grid()
    {
        const string project = "catalogue-get";
        await SeedFolderAsync(project);
        using var client = host.Client(host.Token(project));

        var (folderStatus, folder) = await EeApi.GetAsync(client, $"/v1/projects/{project}/assets/big/img-1/b");
        Assert.True(folderStatus == HttpStatusCode.OK, folder?.ToJsonString());
        Assert.Equal("FOLDER", folder!["type"]!.GetValue<string>());
        Assert.Equal($"projects/{project}/assets/big/img-1/b", folder["name"]!.GetValue<string>());
        Assert.Equal($"projects/{project}/assets/big/img-1/b", folder["id"]!.GetValue<string>());
        Assert.True(DateTimeOffset.TryParse(folder["updateTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _));

        var (imageStatus, image) = await EeApi.GetAsync(client, $"/v1/projects/{project}/assets/big/img-042");
        Assert.True(imageStatus == HttpStatusCode.OK, image?.ToJsonString());
        Assert.Equal("IMAGE", image!["type"]!.GetValue<string>());
        var band = Assert.Single(image["bands"]!.AsArray())!;
        Assert.Equal("INT", band["dataType"]!["precision"]!.GetValue<string>());
        Assert.Equal("EPSG:4326", band["grid"]!["crsCode"]!.GetValue<string>());
        Assert.Equal(256, band["grid"]!["dimensions"]!["width"]!.GetValue<int>());
        Assert.NotNull(band["grid"]!["affineTransform"]!["scaleX"]);
    }

    [Fact]
    public async Task Deleting_an_ingested_image_removes_every_tile_and_the_asset_then_its_emptied_folder_can_go()
    {
        const string project = "catalogue-delete";
        using var client = host.Client(host.Token(project));
        var uri = await host.UploadAsync("RGB.byte.tif");
        var started = await EeApi.ImportAsync(client, project, EeApi.Manifest(project, "scenes/rgb", uri));
        var done = await EeApi.PollAsync(client, started["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());

        var (imageStatus, image) = await EeApi.GetAsync(client, $"/v1/projects/{project}/assets/scenes/rgb");
        Assert.True(imageStatus == HttpStatusCode.OK, image?.ToJsonString());
        Assert.Equal(3, image!["bands"]!.AsArray().Count);
        Assert.All(image["bands"]!.AsArray(), b =>
        {
            Assert.NotNull(b!["dataType"]!["precision"]);
            Assert.NotNull(b["grid"]!["dimensions"]);
            Assert.NotNull(b["grid"]!["affineTransform"]);
            Assert.True(b["grid"]!["crsCode"] is not null || b["grid"]!["crsWkt"] is not null, b.ToJsonString());
        });
        Assert.NotEmpty(await host.TileBlobsAsync(project, "scenes/rgb"));

        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/scenes", HttpStatusCode.BadRequest, "FAILED_PRECONDITION", HttpMethod.Delete);

        var (deleteStatus, deleted) = await SendAsync(client, HttpMethod.Delete, $"/v1/projects/{project}/assets/scenes/rgb");
        Assert.True(deleteStatus == HttpStatusCode.OK, deleted?.ToJsonString());
        Assert.Equal("{}", deleted!.ToJsonString());

        // The tiles go after the grace period (5 s in the test host), durably.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while ((await host.TileBlobsAsync(project, "scenes/rgb")).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The deleted image's tiles were still there after a minute.");
            await Task.Delay(250);
        }

        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/scenes/rgb", HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/scenes/rgb:getPixels", HttpStatusCode.NotFound, "NOT_FOUND", HttpMethod.Post);
        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/scenes/rgb", HttpStatusCode.NotFound, "NOT_FOUND", HttpMethod.Delete);

        var (listStatus, listed) = await EeApi.GetAsync(client, $"/v1/projects/{project}/assets/scenes:listAssets");
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Null(listed!["assets"]);

        var (folderStatus, folder) = await SendAsync(client, HttpMethod.Delete, $"/v1/projects/{project}/assets/scenes");
        Assert.True(folderStatus == HttpStatusCode.OK, folder?.ToJsonString());
        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/scenes", HttpStatusCode.NotFound, "NOT_FOUND");
        var (rootStatus, root) = await EeApi.GetAsync(client, $"/v1/projects/{project}:listAssets");
        Assert.Equal(HttpStatusCode.OK, rootStatus);
        Assert.Null(root!["assets"]);
    }

    [Fact]
    public async Task Deleting_an_image_that_never_had_tiles_succeeds_and_it_leaves_the_listing()
    {
        const string project = "catalogue-tileless";
        await SeedFolderAsync(project);
        using var client = host.Client(host.Token(project));

        var (status, body) = await SendAsync(client, HttpMethod.Delete, $"/v1/projects/{project}/assets/big/img-000");
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal("{}", body!.ToJsonString());
        var names = (await ListPagesAsync(client, $"/v1/projects/{project}/assets/big:listAssets", 1000)).SelectMany(p => p).ToList();
        Assert.Equal(ExpectedChildren(project).Where(n => !n.EndsWith("/img-000", StringComparison.Ordinal)), names);
    }

    [Fact]
    public async Task A_folder_with_only_a_nested_folder_inside_is_not_deleted()
    {
        const string project = "catalogue-nonempty";
        await SeedFolderAsync(project);
        using var client = host.Client(host.Token(project));

        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/big/img-1/b", HttpStatusCode.BadRequest, "FAILED_PRECONDITION", HttpMethod.Delete);
        await AssertErrorAsync(client, $"/v1/projects/{project}/assets/big", HttpStatusCode.BadRequest, "FAILED_PRECONDITION", HttpMethod.Delete);
        var (status, _) = await EeApi.GetAsync(client, $"/v1/projects/{project}/assets/big/img-1/b");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("GET", "/v1/projects/catalogue-names/assets/no/such/image")]
    [InlineData("GET", "/v1/projects/catalogue-names/assets/bad%20name")]
    [InlineData("GET", "/v1/projects/catalogue-names/assets/a//b")]
    [InlineData("DELETE", "/v1/projects/catalogue-names/assets/no/such/image")]
    [InlineData("DELETE", "/v1/projects/catalogue-names/assets/bad%20name")]
    [InlineData("GET", "/v1/projects/catalogue-names/assets/bad%20name:listAssets")]
    public async Task Unknown_and_malformed_asset_names_are_NOT_FOUND_in_Googles_envelope(string method, string path)
    {
        using var client = host.Client(host.Token("catalogue-names"));
        await AssertErrorAsync(client, path, HttpStatusCode.NotFound, "NOT_FOUND", new HttpMethod(method));
    }

    /// <summary>
    /// <c>big</c> holds 250 images (rows written as the catalogue writes them, 100 to a transaction), the folder
    /// <c>img-1</c> (image <c>a</c>, folder <c>b</c> holding image <c>c</c>) and the folder <c>Zed</c> (image
    /// <c>inner</c>); the root also holds the image <c>top</c>. <c>img-1</c>'s subtree sorts between <c>img-199</c> and
    /// <c>img-200</c>, so listing <c>big</c> must step over it mid-range.
    /// </summary>
    private async Task SeedFolderAsync(string project)
    {
        var catalog = host.Factory.Services.GetRequiredService<EeStorage>().Catalog;
        if (await catalog.GetAsync(project, "top", CancellationToken.None) is not null)
        {
            return;
        }

        // The nested ones go through the catalogue's own registration, which creates their folders.
        foreach (var path in new[] { "big/img-1/a", "big/img-1/b/c", "big/Zed/inner", "top" })
        {
            await catalog.RegisterImageAsync(project, path, ImageAsset(project, path), StoredImageOf(), overwrite: false, CancellationToken.None);
        }

        var options = host.Factory.Services.GetRequiredService<IOptions<EarthEngineOptions>>().Value;
        var table = host.Factory.Services.GetRequiredService<TableServiceClient>().GetTableClient(options.AssetsTable);
        var rows = Enumerable.Range(0, SeededImages).Select(i => $"big/img-{i:000}").Select(path => AssetCatalog.EntityOf(project, path, ImageAsset(project, path), StoredImageOf())).ToList();
        // An entity-group transaction holds at most 100 actions.
        foreach (var chunk in rows.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
        }
    }

    private static List<string> ExpectedChildren(string project) =>
        [.. Enumerable.Range(0, SeededImages).Select(i => $"img-{i:000}").Append("img-1").Append("Zed").Order(StringComparer.Ordinal).Select(n => $"projects/{project}/assets/big/{n}")];

    private static EarthEngineAsset ImageAsset(string project, string path) => new()
    {
        Type = AssetType.Image,
        Name = $"projects/{project}/assets/{path}",
        Id = $"projects/{project}/assets/{path}",
        UpdateTime = DateTimeOffset.UtcNow,
        SizeBytes = 65536,
        Bands =
        [
            new ImageBand
            {
                Id = "b1",
                DataType = new PixelDataType { Precision = Precision.Int, Range = new DoubleRange { Min = 0, Max = 255 } },
                Grid = new PixelGrid
                {
                    CrsCode = "EPSG:4326",
                    Dimensions = new GridDimensions { Width = 256, Height = 256 },
                    AffineTransform = new AffineTransform { ScaleX = 0.001, ShearX = 0, TranslateX = 10, ShearY = 0, ScaleY = -0.001, TranslateY = 50 },
                },
                PyramidingPolicy = EeFunctions.EarthEngine.Models.PyramidingPolicy.Mean,
            },
        ],
    };

    private static StoredImage StoredImageOf()
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
        return new StoredImage(DateTime.UtcNow.Ticks, [new StoredTileset("ts", layout, "EPSG:4326")], [new StoredBand("b1", "ts", 0)]);
    }

    private static async Task<List<List<string>>> ListPagesAsync(HttpClient client, string url, int pageSize)
    {
        var pages = new List<List<string>>();
        string? token = null;
        do
        {
            var (status, body) = await EeApi.GetAsync(client, $"{url}?pageSize={pageSize}" + (token is null ? string.Empty : "&pageToken=" + Uri.EscapeDataString(token)));
            Assert.True(status == HttpStatusCode.OK, $"{url} page {pages.Count}: {status} {body?.ToJsonString()}");
            pages.Add(body!["assets"]?.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList() ?? []);
            token = body["nextPageToken"]?.GetValue<string>();
            Assert.True(pages.Count <= 1000, "the listing never ends");
        }
        while (token is not null);
        return pages;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static async Task AssertErrorAsync(HttpClient client, string path, HttpStatusCode status, string canonical, HttpMethod? method = null)
    {
        var (actual, body) = await SendAsync(client, method ?? HttpMethod.Get, path);
        Assert.True(actual == status, $"{method ?? HttpMethod.Get} {path}: {actual} {body?.ToJsonString()}");
        Assert.Equal(canonical, body!["error"]!["status"]!.GetValue<string>());
        Assert.Equal((int)status, body["error"]!["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(body["error"]!["message"]!.GetValue<string>()));
    }
}
