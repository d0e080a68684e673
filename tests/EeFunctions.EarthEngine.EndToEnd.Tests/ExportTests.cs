using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>
/// image:export end to end: the official clients' request bodies (moved onto the shared rasters) run to SUCCEEDED,
/// and every written file is compared pixel by pixel with gdalwarp (nearest) of the source or with band math done
/// here independently from the source's pixels.
/// </summary>
[Collection(EeHostGroup.Name)]
public sealed class ExportTests(EeHostFixture host) : IAsyncLifetime
{
    private const string Project = "export-tests";
    private const string Asset = "exp/rgb";
    private readonly string _bucket = AzuriteFixture.UniqueName("bucket");
    private BlobContainerClient _container = null!;

    private static string AssetName => $"projects/{Project}/assets/{Asset}";

    public async Task InitializeAsync()
    {
        _container = new BlobServiceClient(host.ConnectionString).GetBlobContainerClient(_bucket);
        await _container.CreateIfNotExistsAsync();
        using var client = host.Client(host.Token(Project));
        var (status, _) = await EeApi.GetAsync(client, $"/v1/{AssetName}");
        if (status != HttpStatusCode.OK)
        {
            var operation = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, Asset, await host.UploadAsync("RGB.byte.tif")), overwrite: true);
            Assert.Equal("SUCCEEDED", EeApi.State(await EeApi.PollAsync(client, operation["name"]!.GetValue<string>())));
        }
    }

    public async Task DisposeAsync() => await _container.DeleteIfExistsAsync();

    [Fact]
    public async Task The_Python_clients_cloud_storage_COG_export_runs_and_equals_gdalwarp_nearest()
    {
        var body = ClientBody(0);
        var args = body["expression"]!["values"]!["0"]!["functionInvocationValue"]!["arguments"]!;
        args["geometry"]!["functionInvocationValue"]!["arguments"]!["coordinates"]!["constantValue"] = JsonNode.Parse("[[[-78.0,24.5],[-78.0,24.0],[-77.5,24.0],[-77.5,24.5]]]");
        var defaultProjection = args["input"]!["functionInvocationValue"]!["arguments"]!;
        defaultProjection["crs"]!["functionInvocationValue"]!["arguments"]!["crs"]!["constantValue"] = "EPSG:32618";
        var select = defaultProjection["image"]!["functionInvocationValue"]!["arguments"]!;
        select["bandSelectors"]!["constantValue"] = new JsonArray("b3", "b2", "b1");
        select["input"]!["functionInvocationValue"]!["arguments"]!["id"]!["constantValue"] = AssetName;
        body["fileExportOptions"]!["cloudStorageDestination"]!["bucket"] = _bucket;
        body["requestId"] = Guid.NewGuid().ToString();

        var done = await ExportAsync(body);
        Assert.Equal("EXPORT_IMAGE", done["metadata"]!["type"]!.GetValue<string>());
        var uri = Assert.Single(done["metadata"]!["destinationUris"]!.AsArray())!.GetValue<string>();
        Assert.EndsWith($"/{_bucket}/out/scene1.tif", uri, StringComparison.Ordinal);

        var file = await DownloadAsync("out/scene1.tif");
        var info = GdalTool.Info(file);
        Assert.Equal("COG", info["metadata"]!["IMAGE_STRUCTURE"]!["LAYOUT"]!.GetValue<string>());
        var band = info["bands"]![0]!;
        Assert.Equal("Int16", band["type"]!.GetValue<string>());
        Assert.Equal(-9999, band["noDataValue"]!.GetValue<double>());
        Assert.Equal(["b3", "b2", "b1"], info["bands"]!.AsArray().Select(b => b!["description"]!.GetValue<string>()));
        var transform = info["geoTransform"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(30, transform[1]);
        Assert.Equal(-30, transform[5]);

        // gdalwarp of the source onto the same grid, nearest, masked pixels as -9999.
        var size = info["size"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var expected = Warp(TestData.Raster("RGB.byte.tif"), "EPSG:32618", transform, size[0], size[1], "-dstnodata", "-9999", "-ot", "Int16");
        try
        {
            for (var b = 1; b <= 3; b++)
            {
                SamePixels(expected, 4 - b, file, b);
            }
        }
        finally
        {
            File.Delete(expected);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_Python_clients_crs_transform_and_dimensions_export_writes_the_exact_pixel_window()
    {
        var body = ClientBody(2);
        var values = body["expression"]!["values"]!;
        var reproject = values["1"]!["functionInvocationValue"]!["arguments"]!;
        reproject["crsTransform"]!["constantValue"] = new JsonArray(0.001, 0, -78.0, 0, -0.001, 24.5);
        reproject["image"]!["functionInvocationValue"]!["arguments"]!["id"]!["constantValue"] = AssetName;
        body["fileExportOptions"]!["cloudStorageDestination"]!["bucket"] = _bucket;
        body["requestId"] = Guid.NewGuid().ToString();

        await ExportAsync(body);
        var file = await DownloadAsync("g/grid_export.tif");
        var info = GdalTool.Info(file);
        Assert.Equal([500, 500], info["size"]!.AsArray().Select(v => v!.GetValue<int>()));
        var transform = info["geoTransform"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal([-78.0, 0.001, 0, 24.5, 0, -0.001], transform);
        var expected = Warp(TestData.Raster("RGB.byte.tif"), "EPSG:4326", transform, 500, 500, "-dstnodata", "0");
        try
        {
            for (var b = 1; b <= 3; b++)
            {
                SamePixels(expected, b, file, b);
            }
        }
        finally
        {
            File.Delete(expected);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_Python_clients_asset_export_registers_a_readable_asset_with_its_policies_and_refuses_to_overwrite_unasked()
    {
        var body = ClientBody(1);
        var args = body["expression"]!["values"]!["0"]!["functionInvocationValue"]!["arguments"]!;
        args["geometry"]!["functionInvocationValue"]!["arguments"]!["coordinates"]!["constantValue"] = JsonNode.Parse("[[[-77.9,24.4],[-77.9,24.1],[-77.6,24.1],[-77.6,24.4]]]");
        var select = args["input"]!["functionInvocationValue"]!["arguments"]!;
        select["bandSelectors"]!["constantValue"] = new JsonArray("b1");
        select["input"]!["functionInvocationValue"]!["arguments"]!["id"]!["constantValue"] = AssetName;
        var target = $"projects/{Project}/assets/exp/out1";
        body["assetExportOptions"]!["earthEngineDestination"]!["name"] = target;
        body["assetExportOptions"]!["pyramidingPolicyOverrides"] = new JsonObject { ["b1"] = "SAMPLE" };
        body["requestId"] = Guid.NewGuid().ToString();

        var done = await ExportAsync(body);
        Assert.Equal(target, Assert.Single(done["metadata"]!["destinationUris"]!.AsArray())!.GetValue<string>());
        using var client = host.Client(host.Token(Project));
        var (_, asset) = await EeApi.GetAsync(client, $"/v1/{target}");
        var band = Assert.Single(asset!["bands"]!.AsArray())!;
        Assert.Equal("b1", band["id"]!.GetValue<string>());
        Assert.Equal("SAMPLE", band["pyramidingPolicy"]!.GetValue<string>());
        Assert.Equal("EPSG:32618", band["grid"]!["crsCode"]!.GetValue<string>());
        var t = band["grid"]!["affineTransform"]!;
        Assert.Equal((30.0, -30.0), (t["scaleX"]!.GetValue<double>(), t["scaleY"]!.GetValue<double>()));

        var pixels = await PixelAssert.GetPixelsAsync(client, target);
        var info = GdalTool.Info(pixels);
        var transform = info["geoTransform"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var size = info["size"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var expected = Warp(TestData.Raster("RGB.byte.tif"), "EPSG:32618", transform, size[0], size[1], "-dstnodata", "0");
        try
        {
            SamePixels(expected, 1, pixels, 1);
        }
        finally
        {
            File.Delete(expected);
            File.Delete(pixels);
        }

        body["requestId"] = Guid.NewGuid().ToString();
        body["assetExportOptions"]!["earthEngineDestination"]!["overwrite"] = false;
        var (status, error, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:export", body.ToJsonString());
        response.Dispose();
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("ALREADY_EXISTS", error!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_TFRecord_export_writes_sharded_gzipped_patches_with_margins_that_equal_gdalwarp_and_a_mixer()
    {
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(150000, 2650000, 150000 + 300 * 200, 2650000 + 300 * 130))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var body = FileBody(Expression(Call("Image.clipToBoundsAndScale", ("input", Select("b1", "b2")), ("geometry", region), ("scale", Constant(300)))), "records/rgb");
        body["fileExportOptions"]!["fileFormat"] = "TF_RECORD_IMAGE";
        body["fileExportOptions"]!["tfRecordOptions"] = new JsonObject
        {
            ["tileDimensions"] = new JsonObject { ["width"] = 64, ["height"] = 64 },
            ["marginDimensions"] = new JsonObject { ["width"] = 8, ["height"] = 8 },
            ["compress"] = true,
            ["maxSizeBytes"] = "60000",
            ["defaultValue"] = -1,
        };
        var done = await ExportAsync(body);

        // 200x130 pixels hold 3x2 whole 64x64 patches; the rest is dropped.
        var mixer = JsonNode.Parse((await _container.GetBlobClient("records/rgbmixer.json").DownloadContentAsync()).Value.Content.ToString())!;
        Assert.Equal(3, mixer["patchesPerRow"]!.GetValue<int>());
        Assert.Equal(6, mixer["totalPatches"]!.GetValue<int>());
        Assert.Equal("EPSG:32618", mixer["projection"]!["crs"]!.GetValue<string>());
        var affine = mixer["projection"]!["affine"]!["doubleMatrix"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal([300.0, 0, 150000, 0, -300, 2650000 + 300 * 130], affine);

        var shards = new List<string>();
        await foreach (var blob in _container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "records/rgb-", CancellationToken.None))
        {
            shards.Add(blob.Name);
        }

        Assert.True(shards.Count > 1, $"maxSizeBytes should have split the records: {string.Join(", ", shards)}");
        Assert.Equal(shards.Select((_, i) => $"records/rgb-{i:D5}.tfrecord.gz"), shards);
        Assert.Equal([.. shards.Select(s => _container.GetBlobClient(s).Uri.ToString()), _container.GetBlobClient("records/rgbmixer.json").Uri.ToString()], done["metadata"]!["destinationUris"]!.AsArray().Select(u => u!.GetValue<string>()));
        var patches = new List<Dictionary<string, double[]>>();
        foreach (var shard in shards)
        {
            patches.AddRange(TfRecordReader.Read((await _container.GetBlobClient(shard).DownloadContentAsync()).Value.Content.ToArray(), gzip: true));
        }

        Assert.Equal(6, patches.Count);
        for (var p = 0; p < patches.Count; p++)
        {
            var (row, column) = (p / 3, p % 3);
            var (x0, y1) = (150000 + 300 * (column * 64 - 8), 2650000 + 300 * 130 - 300 * (row * 64 - 8));
            var expected = Warp(TestData.Raster("RGB.byte.tif"), "EPSG:32618", [x0, 300, 0, y1, 0, -300], 80, 80, "-dstnodata", "0");
            try
            {
                for (var b = 1; b <= 2; b++)
                {
                    // Margins reach outside the clipped region: those pixels are masked, so they hold defaultValue.
                    var want = GdalTool.Read(expected, b.ToString(CultureInfo.InvariantCulture)).Values.Select((v, i) =>
                    {
                        var (x, y) = (column * 64 - 8 + i % 80, row * 64 - 8 + i / 80);
                        return v == 0 || x < 0 || y < 0 || x >= 200 || y >= 130 ? -1 : v;
                    });
                    Assert.Equal(want, patches[p]["b" + b.ToString(CultureInfo.InvariantCulture)]);
                }
            }
            finally
            {
                File.Delete(expected);
            }
        }
    }

    [Fact]
    public async Task Band_math_on_the_native_grid_equals_the_same_math_done_independently()
    {
        // b1 + b2 (uint8 + uint8: UInt16), and normalizedDifference(b1, b2) cast to Float32 alongside.
        var sum = Call("Image.add", ("image1", Select("b1")), ("image2", Select("b2")));
        var expression = Expression(Call("Image.addBands",
            ("dstImg", Call("Image.toFloat", ("value", sum))),
            ("srcImg", Call("Image.normalizedDifference", ("input", Load()), ("bandNames", Constant(new JsonArray("b1", "b2")))))));
        await ExportAsync(FileBody(expression, "math/sum-nd"));
        var file = await DownloadAsync("math/sum-nd.tif");
        var source = TestData.Raster("RGB.byte.tif");
        try
        {
            var (b1, w, h) = GdalTool.Read(source, "1");
            var (b2, _, _) = GdalTool.Read(source, "2");
            var (m1, _, _) = GdalTool.Read(source, "mask,1");
            var (m2, _, _) = GdalTool.Read(source, "mask,2");
            var (s, ow, oh) = GdalTool.Read(file, "1");
            var (nd, _, _) = GdalTool.Read(file, "2");
            Assert.Equal((w, h), (ow, oh));
            for (var i = 0; i < b1.Length; i++)
            {
                var valid = m1[i] > 0 && m2[i] > 0;
                Assert.Equal(valid ? b1[i] + b2[i] : 0, s[i]);
                var expectedNd = !valid || b1[i] + b2[i] == 0 ? 0 : (float)((b1[i] - b2[i]) / (b1[i] + b2[i]));
                Assert.Equal(expectedNd, (float)nd[i]);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Integer_band_math_widens_the_stored_type_to_hold_the_result()
    {
        await ExportAsync(FileBody(Expression(Call("Image.add", ("image1", Select("b1")), ("image2", Select("b2")))), "types/sum"));
        var file = await DownloadAsync("types/sum.tif");
        try
        {
            Assert.Equal("UInt16", GdalTool.Info(file)["bands"]![0]!["type"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Tile_dimensions_split_the_output_into_files_named_by_their_offsets()
    {
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(150000, 2700000, 150000 + 300 * 600, 2700000 + 300 * 300))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var body = FileBody(Expression(Call("Image.clipToBoundsAndScale", ("input", Select("b1")), ("geometry", region), ("scale", Constant(300)))), "split/part");
        body["fileExportOptions"]!["geoTiffOptions"] = new JsonObject { ["tileSize"] = 256, ["tileDimensions"] = new JsonObject { ["width"] = 512, ["height"] = 256 } };
        var done = await ExportAsync(body);
        string[] names = ["split/part-0000000000-0000000000.tif", "split/part-0000000000-0000000512.tif", "split/part-0000000256-0000000000.tif", "split/part-0000000256-0000000512.tif"];
        Assert.Equal(names.Length, done["metadata"]!["destinationUris"]!.AsArray().Count);
        var listed = new List<string>();
        await foreach (var blob in _container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "split/", CancellationToken.None))
        {
            listed.Add(blob.Name);
        }

        Assert.Equal(names, listed.Order(StringComparer.Ordinal));
        var last = await DownloadAsync(names[3]);
        try
        {
            Assert.Equal([88, 44], GdalTool.Info(last)["size"]!.AsArray().Select(v => v!.GetValue<int>()));
        }
        finally
        {
            File.Delete(last);
        }
    }

    [Fact]
    public async Task Skip_empty_files_writes_and_lists_only_files_with_unmasked_pixels()
    {
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(205650, 2719200, 205650 + 300 * 1024, 2719200 + 300 * 256))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var body = FileBody(Expression(Call("Image.clipToBoundsAndScale", ("input", Select("b1")), ("geometry", region), ("scale", Constant(300)))), "sparse/part");
        body["fileExportOptions"]!["geoTiffOptions"] = new JsonObject { ["tileDimensions"] = new JsonObject { ["width"] = 512, ["height"] = 256 }, ["skipEmptyFiles"] = true };
        var done = await ExportAsync(body);
        var uri = Assert.Single(done["metadata"]!["destinationUris"]!.AsArray())!.GetValue<string>();
        Assert.EndsWith("/sparse/part-0000000000-0000000000.tif", uri, StringComparison.Ordinal);
        var listed = new List<string>();
        await foreach (var blob in _container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "sparse/", CancellationToken.None))
        {
            listed.Add(blob.Name);
        }

        Assert.Equal(["sparse/part-0000000000-0000000000.tif"], listed);
    }

    [Fact]
    public async Task An_asset_deleted_after_the_export_was_accepted_fails_the_operation_and_an_earlier_file_stays()
    {
        using var client = host.Client(host.Token(Project));
        await ExportAsync(FileBody(Expression(Select("b1")), "doomed/out"));
        var earlier = (await _container.GetBlobClient("doomed/out.tif").GetPropertiesAsync()).Value.ETag;
        var doomed = $"projects/{Project}/assets/exp/doomed";
        var import = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "exp/doomed", await host.UploadAsync("RGB.byte.tif")), overwrite: true);
        Assert.Equal("SUCCEEDED", EeApi.State(await EeApi.PollAsync(client, import["name"]!.GetValue<string>())));
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(150000, 2650000, 180000, 2680000))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var image = Call("Image.clipToBoundsAndScale", ("input", Call("Image.load", ("id", Constant(doomed)))), ("geometry", region), ("scale", Constant(5)));
        var (status, operation, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:export", FileBody(Expression(image), "doomed/out").ToJsonString());
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, operation?.ToJsonString());
        using (var deleted = await client.DeleteAsync($"/v1/{doomed}"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        var done = await EeApi.PollAsync(client, operation!["name"]!.GetValue<string>());
        Assert.Equal("FAILED", EeApi.State(done));
        Assert.Equal($"Image.load: Image asset '{doomed}' not found.", done["error"]!["message"]!.GetValue<string>());

        // The failed export wrote nothing, and the file an earlier export wrote under the same name is not its to remove.
        Assert.Equal(earlier, (await _container.GetBlobClient("doomed/out.tif").GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task An_export_to_an_asset_needs_assets_create_and_reading_an_asset_needs_assets_get()
    {
        var body = ClientBody(1);
        body["expression"] = Expression(Select("b1"));
        body["assetExportOptions"]!["earthEngineDestination"]!["name"] = $"projects/{Project}/assets/exp/forbidden";
        body["assetExportOptions"]!.AsObject().Remove("pyramidingPolicyOverrides");
        using var exportOnly = host.Client(host.Token(Project, "tester", EeFunctions.EarthEngine.Auth.EePermissions.ExportsCreate));
        var (status, error, response) = await EeApi.PostAsync(exportOnly, $"/v1/projects/{Project}/image:export", body.ToJsonString());
        response.Dispose();
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("earthengine.assets.create", error!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var (fileStatus, fileError, fileResponse) = await EeApi.PostAsync(exportOnly, $"/v1/projects/{Project}/image:export", FileBody(Expression(Select("b1")), "forbidden/out").ToJsonString());
        fileResponse.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, fileStatus);
        Assert.Equal($"Image.load: Image asset '{AssetName}' not found.", fileError!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_terminated_asset_export_is_followed_by_a_cleanup_that_leaves_no_tile_staging_blob_or_asset()
    {
        const string Target = "exp/terminated";
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(150000, 2650000, 156000, 2656000))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var image = Call("Image.clipToBoundsAndScale", ("input", Select("b1")), ("geometry", region), ("scale", Constant(1)));
        var body = new JsonObject
        {
            ["expression"] = Expression(image),
            ["assetExportOptions"] = new JsonObject { ["earthEngineDestination"] = new JsonObject { ["name"] = $"projects/{Project}/assets/{Target}" } },
        };
        using var client = host.Client(host.Token(Project));
        var (status, operation, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:export", body.ToJsonString());
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, operation?.ToJsonString());
        var operationId = operation!["name"]!.GetValue<string>().Split('/')[^1];
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await host.TileBlobsAsync(Project, Target)).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "No tile was written within 2 minutes.");
            await Task.Delay(20);
        }

        var instanceId = EeFunctions.EarthEngine.Names.EeNames.InstanceId(Project, operationId);
        using var system = host.Client(null);
        using (var terminated = await system.PostAsync($"/runtime/webhooks/durabletask/instances/{instanceId}/terminate?reason=test&code={EeHostFixture.SystemKey}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        }

        await EeApi.WaitForDurableCompletionAsync(host, $"cleanup-{instanceId}");

        // Chunks already computing when the instance was terminated still finish; any that wrote after the cleanup
        // see the revoked generation and remove their own tiles, so the tiles go once they have drained.
        var drained = DateTime.UtcNow.AddSeconds(60);
        while ((await host.TileBlobsAsync(Project, Target)).Count > 0 && DateTime.UtcNow < drained)
        {
            await Task.Delay(200);
        }

        Assert.Empty(await host.TileBlobsAsync(Project, Target));
        Assert.Empty(await host.StagingBlobsAsync(operationId));
        Assert.Equal(HttpStatusCode.NotFound, (await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{Target}")).Status);
    }

    [Fact]
    public async Task A_repeated_request_id_returns_the_same_operation_and_exports_once()
    {
        var body = FileBody(Expression(Select("b1")), "dedupe/once");
        var requestId = Guid.NewGuid().ToString();
        body["requestId"] = requestId;
        using var client = host.Client(host.Token(Project));
        var (s1, first, r1) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:export", body.ToJsonString());
        r1.Dispose();
        var (s2, second, r2) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:export", body.ToJsonString());
        r2.Dispose();
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (s1, s2));
        Assert.Equal(first!["name"]!.GetValue<string>(), second!["name"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", EeApi.State(await EeApi.PollAsync(client, first["name"]!.GetValue<string>())));
    }

    [Fact]
    public async Task A_cancelled_export_ends_CANCELLED_and_leaves_no_file_and_no_staging()
    {
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(150000, 2650000, 156000, 2656000))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var image = Call("Image.reproject", ("image", Call("Image.multiply", ("image1", Select("b1")), ("image2", Constant(3)))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("scale", Constant(1)));
        var body = FileBody(Expression(Call("Image.clip", ("input", Call("Image.unmask", ("input", image))), ("geometry", region))), "cancel/big");
        using var client = host.Client(host.Token(Project));
        var (status, operation, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:export", body.ToJsonString());
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, operation?.ToJsonString());
        var name = operation!["name"]!.GetValue<string>();
        var (cancelled, _, cancelResponse) = await EeApi.PostAsync(client, $"/v1/{name}:cancel", "{}");
        cancelResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, cancelled);
        var done = await EeApi.PollAsync(client, name);
        Assert.Equal("CANCELLED", EeApi.State(done));
        Assert.Equal(1, done["error"]!["code"]!.GetValue<int>());
        await foreach (var blob in _container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "cancel/", CancellationToken.None))
        {
            Assert.Fail($"The cancelled export left {blob.Name}.");
        }

        Assert.Empty(await host.StagingBlobsAsync(name.Split('/')[^1]));
    }

    internal static JsonObject ClientBody(int index)
    {
        var examples = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.Root, "..", "reference", "earthengine-client-request-examples.json")))!;
        return examples["captured_bodies"]!["image.export"]![index]!["body"]!.DeepClone().AsObject();
    }

    internal static JsonObject Expression(JsonNode result) => new() { ["result"] = "0", ["values"] = new JsonObject { ["0"] = result } };

    internal static JsonObject Call(string name, params (string Name, JsonNode Value)[] arguments)
    {
        var args = new JsonObject();
        foreach (var (argument, value) in arguments)
        {
            args[argument] = value;
        }

        return new JsonObject { ["functionInvocationValue"] = new JsonObject { ["functionName"] = name, ["arguments"] = args } };
    }

    internal static JsonObject Constant(JsonNode? value) => new() { ["constantValue"] = value };

    internal static JsonObject Load() => Call("Image.load", ("id", Constant(AssetName)));

    internal static JsonObject Select(params string[] bands) => Call("Image.select", ("input", Load()), ("bandSelectors", Constant(new JsonArray([.. bands.Select(b => (JsonNode)b)]))));

    private JsonObject FileBody(JsonObject expression, string prefix) => new()
    {
        ["expression"] = expression,
        ["description"] = "test",
        ["fileExportOptions"] = new JsonObject
        {
            ["fileFormat"] = "GEO_TIFF",
            ["cloudStorageDestination"] = new JsonObject { ["bucket"] = _bucket, ["filenamePrefix"] = prefix },
        },
    };

    private async Task<JsonNode> ExportAsync(JsonObject body)
    {
        using var client = host.Client(host.Token(Project));
        var (status, operation, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:export", body.ToJsonString());
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"{status}: {operation}");
        var done = await EeApi.PollAsync(client, operation!["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        return done;
    }

    private async Task<string> DownloadAsync(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "eeexport-test-" + Guid.NewGuid().ToString("N") + ".tif");
        await _container.GetBlobClient(name).DownloadToAsync(path);
        return path;
    }

    private static string Warp(string source, string crs, double[] t, int width, int height, params string[] extra)
    {
        var output = Path.Combine(Path.GetTempPath(), "eewarp-" + Guid.NewGuid().ToString("N") + ".tif");
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var (minX, maxY) = (t[0], t[3]);
        var (maxX, minY) = (t[0] + t[1] * width, t[3] + t[5] * height);
        GdalTool.Run("gdalwarp", [.. new[] { "-q", "-overwrite", "-t_srs", crs, "-te", F(minX), F(minY), F(maxX), F(maxY), "-ts", width.ToString(CultureInfo.InvariantCulture), height.ToString(CultureInfo.InvariantCulture), "-r", "near" }, .. extra, source, output]);
        return output;
    }

    private static void SamePixels(string expectedFile, int expectedBand, string actualFile, int actualBand)
    {
        var expected = GdalTool.Read(expectedFile, expectedBand.ToString(CultureInfo.InvariantCulture));
        var actual = GdalTool.Read(actualFile, actualBand.ToString(CultureInfo.InvariantCulture));
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        var different = Enumerable.Range(0, expected.Values.Length).Where(i => expected.Values[i] != actual.Values[i]).ToList();
        Assert.True(different.Count == 0, $"{different.Count} of {expected.Values.Length} pixels differ from gdalwarp; first at ({different.FirstOrDefault() % expected.Width}, {different.FirstOrDefault() / expected.Width}): expected {(different.Count > 0 ? expected.Values[different[0]] : 0)}, got {(different.Count > 0 ? actual.Values[different[0]] : 0)}.");
    }
}
