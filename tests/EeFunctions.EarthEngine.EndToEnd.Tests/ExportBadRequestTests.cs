using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>Bad image:export requests: each answers 400 (409 for an existing asset) in Earth Engine's envelope, naming the problem, and writes nothing.</summary>
[Collection(EeHostGroup.Name)]
public sealed class ExportBadRequestTests(EeHostFixture host) : IAsyncLifetime
{
    private const string Project = "export-bad";
    private const string Bucket = "export-bad-bucket";
    private const string AssetName = $"projects/{Project}/assets/rgb";

    public static TheoryData<string, string, string> Cases => new()
    {
        { "no expression", """{"fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "expression is required." },
        { "no destination", """{"expression": EXPR}""", "One of fileExportOptions or assetExportOptions is required." },
        { "two destinations", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}, "assetExportOptions": {"earthEngineDestination": {"name": "projects/export-bad/assets/x"}}}""", "Only one of fileExportOptions and assetExportOptions may be set." },
        { "png", """{"expression": EXPR, "fileExportOptions": {"fileFormat": "PNG", "cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "PNG cannot be exported" },
        { "npy", """{"expression": EXPR, "fileExportOptions": {"fileFormat": "NPY", "cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "NPY cannot be exported" },
        { "unknown format", """{"expression": EXPR, "fileExportOptions": {"fileFormat": "BMP", "cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Invalid value" },
        { "drive", """{"expression": EXPR, "fileExportOptions": {"driveDestination": {"folder": "f"}}}""", "Google Drive are not supported" },
        { "no bucket", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"filenamePrefix": "x"}}}""", "cloudStorageDestination.bucket is required." },
        { "bad bucket name", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "My_Bucket"}}}""", "'My_Bucket' is not a valid bucket name" },
        { "missing bucket", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "no-such-bucket-here"}}}""", "bucket 'no-such-bucket-here' does not exist" },
        { "service container", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "azure-webjobs-hosts"}}}""", "'azure-webjobs-hosts' holds the service's own data" },
        { "prefix with ..", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket", "filenamePrefix": "a/../b"}}}""", "is not a valid object name prefix" },
        { "public permissions", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket", "permissions": "PUBLIC"}}}""", "PUBLIC is not supported" },
        { "tile size", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}, "geoTiffOptions": {"tileSize": 100}}}""", "tileSize must be a multiple of 16" },
        { "file dimensions", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}, "geoTiffOptions": {"tileDimensions": {"width": 300, "height": 256}}}}""", "must be multiples of the tile size (256)" },
        { "integer no-data", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}, "geoTiffOptions": {"noData": {"integerValue": "5"}}}}""", "only floatValue is supported" },
        { "tfrecord options with GeoTIFF", """{"expression": EXPR, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}, "tfRecordOptions": {"compress": true}}}""", "tfRecordOptions can only be given with fileFormat TF_RECORD_IMAGE" },
        { "zero maxPixels", """{"expression": EXPR, "maxPixels": "0", "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "maxPixels must be positive." },
        { "too many pixels", """{"expression": EXPR, "maxPixels": {"value": "1000"}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Export too large: specified 567938 pixels (max: 1000). Specify higher maxPixels value if you intend to export a large area." },
        { "bad request id", """{"expression": EXPR, "requestId": "a b", "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Invalid requestId 'a b'" },
        { "long description", """{"expression": EXPR, "description": "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "description must be at most 100 characters." },
        { "priority", """{"expression": EXPR, "priority": 10000, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "priority must be between 0 and 9999." },
        { "workload tag", """{"expression": EXPR, "workloadTag": "-bad-", "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Invalid workloadTag '-bad-'" },
        { "unknown field", """{"expression": EXPR, "colour": 1, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Unknown name \"colour\"" },
        { "bad grid crs", """{"expression": EXPR, "grid": {"crsCode": "EPSG:0"}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "grid.crsCode" },
        { "grid crs without transform", """{"expression": EXPR, "grid": {"crsCode": "EPSG:4326"}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "grid.affineTransform is required when grid's CRS is not the image's." },
        { "singular grid", """{"expression": EXPR, "grid": {"affineTransform": {"scaleX": 0, "scaleY": 0}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "grid.affineTransform is not invertible" },
        { "negative dimensions", """{"expression": EXPR, "grid": {"dimensions": {"width": -1, "height": 5}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "grid.dimensions must be positive." },
        { "unsupported algorithm", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.reduceRegion", "arguments": {}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Algorithm 'Image.reduceRegion' is not supported by this server." },
        { "missing asset", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.load", "arguments": {"id": {"constantValue": "projects/export-bad/assets/x"}}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Image.load: Image asset 'projects/export-bad/assets/x' not found." },
        { "asset of another project", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.load", "arguments": {"id": {"constantValue": "projects/other/assets/rgb"}}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Image.load: Image asset 'projects/other/assets/rgb' not found." },
        { "missing argument", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.select", "arguments": {"input": LOAD}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Image.select: Parameter 'bandSelectors' is required." },
        { "unknown argument", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.select", "arguments": {"input": LOAD, "bandSelectors": {"constantValue": ["b1"]}, "x": {"constantValue": 1}}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Image.select: Unrecognized argument 'x'" },
        { "wrong argument type", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.clip", "arguments": {"input": LOAD, "geometry": {"constantValue": "here"}}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Image.clip, argument 'geometry': Invalid type. Expected type: Geometry. Actual type: String." },
        { "unknown band", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.select", "arguments": {"input": LOAD, "bandSelectors": {"constantValue": ["B9"]}}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Image.select: Pattern 'B9' did not match any bands." },
        { "band count mismatch", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.add", "arguments": {"image1": LOAD, "image2": {"functionInvocationValue": {"functionName": "Image.select", "arguments": {"input": LOAD, "bandSelectors": {"constantValue": ["b1", "b2"]}}}}}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Image.add: Images must contain the same number of bands or only 1 band. Got 3 and 2." },
        { "not an image", """{"expression": {"result": "0", "values": {"0": {"constantValue": "text"}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "The expression must evaluate to an Image, but it evaluates to String." },
        { "unbounded image", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.constant", "arguments": {"value": {"constantValue": 1}}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Unable to export unbounded image" },
        { "mixed band types", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.addBands", "arguments": {"dstImg": LOAD, "srcImg": {"functionInvocationValue": {"functionName": "Image.toFloat", "arguments": {"value": LOAD}}}}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Exported bands must have compatible data types; found inconsistent types: Float32 and Byte." },
        { "bad projection", """{"expression": {"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.reproject", "arguments": {"image": LOAD, "crs": {"functionInvocationValue": {"functionName": "Projection", "arguments": {"crs": {"constantValue": "EPSG:999999"}}}}}}}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "Projection: Unknown or invalid CRS 'EPSG:999999'" },
        { "asset without destination", """{"expression": EXPR, "assetExportOptions": {"pyramidingPolicy": "MEAN"}}""", "assetExportOptions.earthEngineDestination is required." },
        { "asset in another project", """{"expression": EXPR, "assetExportOptions": {"earthEngineDestination": {"name": "projects/other-project/assets/x"}}}""", "the asset must be in project 'export-bad'" },
        { "bad asset name", """{"expression": EXPR, "assetExportOptions": {"earthEngineDestination": {"name": "not-a-name"}}}""", "earthEngineDestination.name" },
        { "override for a missing band", """{"expression": EXPR, "assetExportOptions": {"earthEngineDestination": {"name": "projects/export-bad/assets/x"}, "pyramidingPolicyOverrides": {"B4": "SAMPLE"}}}""", "pyramidingPolicyOverrides: 'B4' is not a band of the exported image" },
        { "tfrecord sequence data", """{"expression": EXPR, "fileExportOptions": {"fileFormat": "TF_RECORD_IMAGE", "cloudStorageDestination": {"bucket": "export-bad-bucket"}, "tfRecordOptions": {"sequenceData": true}}}""", "tfRecordOptions.sequenceData is not supported" },
        { "tfrecord collapsed bands", """{"expression": EXPR, "fileExportOptions": {"fileFormat": "TF_RECORD_IMAGE", "cloudStorageDestination": {"bucket": "export-bad-bucket"}, "tfRecordOptions": {"collapseBands": true}}}""", "tfRecordOptions.collapseBands is not supported" },
        { "tfrecord negative margin", """{"expression": EXPR, "fileExportOptions": {"fileFormat": "TF_RECORD_IMAGE", "cloudStorageDestination": {"bucket": "export-bad-bucket"}, "tfRecordOptions": {"marginDimensions": {"width": -1, "height": 0}}}}""", "marginDimensions must be from 0 to 4096" },
        { "tfrecord patch larger than the image", """{"expression": EXPR, "fileExportOptions": {"fileFormat": "TF_RECORD_IMAGE", "cloudStorageDestination": {"bucket": "export-bad-bucket"}, "tfRecordOptions": {"tileDimensions": {"width": 1000, "height": 10}}}}""", "do not fit in the export region (791x718)" },
        { "tfrecord with geotiff options", """{"expression": EXPR, "fileExportOptions": {"fileFormat": "TF_RECORD_IMAGE", "cloudStorageDestination": {"bucket": "export-bad-bucket"}, "geoTiffOptions": {"cloudOptimized": true}}}""", "geoTiffOptions can only be given with fileFormat GEO_TIFF" },
        { "tfrecord masked ratio", """{"expression": EXPR, "fileExportOptions": {"fileFormat": "TF_RECORD_IMAGE", "cloudStorageDestination": {"bucket": "export-bad-bucket"}, "tfRecordOptions": {"maxMaskedRatio": 2}}}""", "maxMaskedRatio must be between 0 and 1" },
        { "cyclic expression", """{"expression": {"result": "0", "values": {"0": {"valueReference": "1"}, "1": {"valueReference": "0"}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "refers to itself" },
        { "two-field value node", """{"expression": {"result": "0", "values": {"0": {"constantValue": 1, "valueReference": "0"}}}, "fileExportOptions": {"cloudStorageDestination": {"bucket": "export-bad-bucket"}}}""", "sets exactly one of its fields" },
    };

    public async Task InitializeAsync()
    {
        await Container.CreateIfNotExistsAsync();
        using var client = host.Client(host.Token(Project));
        var (status, _) = await EeApi.GetAsync(client, $"/v1/{AssetName}");
        if (status != HttpStatusCode.OK)
        {
            var operation = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "rgb", await host.UploadAsync("RGB.byte.tif")), overwrite: true);
            Assert.Equal("SUCCEEDED", EeApi.State(await EeApi.PollAsync(client, operation["name"]!.GetValue<string>())));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private BlobContainerClient Container => new BlobServiceClient(host.ConnectionString).GetBlobContainerClient(Bucket);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_export_request_is_refused_in_Earth_Engines_shape_and_writes_nothing(string what, string body, string message)
    {
        using var client = host.Client(host.Token(Project));
        var load = """{"functionInvocationValue": {"functionName": "Image.load", "arguments": {"id": {"constantValue": "projects/export-bad/assets/rgb"}}}}""";
        var text = body.Replace("EXPR", "{\"result\": \"0\", \"values\": {\"0\": " + load + "}}", StringComparison.Ordinal).Replace("LOAD", load, StringComparison.Ordinal);
        var (_, before) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/operations");
        var (status, json, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:export", text);
        response.Dispose();
        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {status} {json}");
        Assert.Equal(400, json!["error"]!["code"]!.GetValue<int>());
        Assert.Equal("INVALID_ARGUMENT", json["error"]!["status"]!.GetValue<string>());
        Assert.Contains(message, json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None))
        {
            Assert.Fail($"{what}: the refused export wrote {blob.Name}.");
        }

        var (_, operations) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/operations");
        Assert.Equal(Count(before), Count(operations));
    }

    private static int Count(JsonNode? list) => list?["operations"]?.AsArray().Count ?? 0;
}
