using System.Text;
using System.Text.Json;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.Tests;

public sealed class WireJsonTests
{
    private static T Parse<T>(string json)
        where T : class, new() => EeJson.Deserialize<T>(Encoding.UTF8.GetBytes(json));

    private static EarthEngineException Rejects<T>(string json)
        where T : class, new() => Assert.Throws<EarthEngineException>(() => Parse<T>(json));

    [Fact]
    public void The_python_clients_import_body_parses()
    {
        var request = Parse<ImportImageRequest>(CapturedBody("image.import"));

        Assert.Equal("projects/my-project/assets/ingested1", request.ImageManifest!.Name);
        Assert.True(request.Overwrite);
        var band = Assert.Single(request.ImageManifest.Bands!);
        Assert.Equal(("elev", "t0", 0), (band.Id, band.TilesetId, band.TilesetBandIndex));
        Assert.Equal([-32768d], band.MissingData!.Values);
        Assert.Equal(PyramidingPolicy.Mean, band.PyramidingPolicy);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), request.ImageManifest.StartTime);
        Assert.Equal(["gs://b/a.tif"], request.ImageManifest.Tilesets![0].Sources![0].Uris);
    }

    [Fact]
    public void The_python_clients_import_external_body_parses()
    {
        var request = Parse<ImportExternalImageRequest>(CapturedBody("image.importExternal"));
        Assert.False(request.Overwrite);
        Assert.Equal("t0", request.ImageManifest!.Tilesets![0].Id);
    }

    [Fact]
    public void The_js_clients_nulls_mean_default()
    {
        var request = Parse<ImportImageRequest>("""{"imageManifest":{"name":"projects/p/assets/a"},"requestId":"abc-1","overwrite":null,"description":null}""");
        Assert.Null(request.Overwrite);
        Assert.Null(request.Description);
        Assert.Equal("abc-1", request.RequestId);
    }

    [Fact]
    public void Snake_case_names_are_accepted_as_well_as_camel_case()
    {
        var request = Parse<ImportImageRequest>("""{"image_manifest":{"name":"projects/p/assets/a","uri_prefix":"gs://b/","tilesets":[{"id":"t","data_type":"UINT16","sources":[{"uris":["x.tif"],"affine_transform":{"scale_x":30,"translate_y":5}}]}],"mask_bands":[{"tileset_id":"t","band_ids":["b1"]}],"pyramiding_policy":"MODE"},"request_id":"r1"}""");

        var manifest = request.ImageManifest!;
        Assert.Equal("gs://b/", manifest.UriPrefix);
        Assert.Equal(DataType.UInt16, manifest.Tilesets![0].DataType);
        Assert.Equal(30, manifest.Tilesets[0].Sources![0].AffineTransform!.ScaleX);
        Assert.Equal(5, manifest.Tilesets[0].Sources![0].AffineTransform!.TranslateY);
        Assert.Equal(["b1"], manifest.MaskBands![0].BandIds);
        Assert.Equal(PyramidingPolicy.Mode, manifest.PyramidingPolicy);
        Assert.Equal("r1", request.RequestId);
    }

    [Fact]
    public void Output_is_camel_case_with_int64_as_strings_and_nulls_omitted()
    {
        var json = EeJson.Serialize(new EarthEngineAsset { Type = AssetType.Image, Name = "projects/p/assets/a", SizeBytes = 1234567890123 });
        Assert.Equal("""{"type":"IMAGE","name":"projects/p/assets/a","sizeBytes":"1234567890123"}""", json);
    }

    [Theory]
    [InlineData("\"1000000000\"")]
    [InlineData("1000000000")]
    [InlineData("{\"value\":\"1000000000\"}")]
    [InlineData("{\"value\":1000000000}")]
    public void Int64_fields_accept_strings_numbers_and_wrappers(string value)
    {
        var quota = Parse<FolderQuota>($$"""{"maxSizeBytes":{{value}}}""");
        Assert.Equal(1_000_000_000, quota.MaxSizeBytes);
    }

    [Fact]
    public void Int32_and_double_wrappers_are_accepted_bare_or_wrapped()
    {
        var metadata = Parse<OperationMetadata>("""{"priority":{"value":999},"progress":{"value":0.5}}""");
        Assert.Equal(999, metadata.Priority);
        Assert.Equal(0.5, metadata.Progress);
        Assert.Equal(999, Parse<OperationMetadata>("""{"priority":999}""").Priority);
    }

    [Theory]
    [InlineData("2020-01-01T02:00:00+02:00", "2020-01-01T00:00:00Z")]
    [InlineData("2020-01-01T00:00:00.5Z", "2020-01-01T00:00:00.500Z")]
    [InlineData("2020-01-01T00:00:00.123456Z", "2020-01-01T00:00:00.123456Z")]
    public void Timestamps_accept_any_offset_and_are_written_in_utc_with_0_3_6_or_9_digits(string input, string output)
    {
        var manifest = Parse<ImageManifest>($$"""{"startTime":"{{input}}"}""");
        Assert.Equal($$"""{"startTime":"{{output}}"}""", EeJson.Serialize(manifest));
    }

    [Fact]
    public void Timestamps_accept_the_seconds_and_nanos_form()
    {
        var manifest = Parse<ImageManifest>("""{"startTime":{"seconds":1577836800,"nanos":500000000}}""");
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, 500, TimeSpan.Zero), manifest.StartTime);
    }

    [Fact]
    public void Enums_accept_names_in_any_case_aliases_and_numbers()
    {
        Assert.Equal(DataType.Float, Parse<Tileset>("""{"dataType":"FLOAT32"}""").DataType);
        Assert.Equal(DataType.Double, Parse<Tileset>("""{"dataType":"float64"}""").DataType);
        Assert.Equal(PyramidingPolicy.Sample, Parse<TilesetBand>("""{"pyramidingPolicy":2}""").PyramidingPolicy);
        Assert.Equal(PyramidingPolicy.Median, Parse<TilesetBand>("""{"pyramidingPolicy":"median"}""").PyramidingPolicy);
    }

    [Fact]
    public void An_unknown_enum_value_is_rejected_listing_the_valid_ones()
    {
        var ex = Rejects<TilesetBand>("""{"pyramidingPolicy":"AVERAGE"}""");
        Assert.Equal(EeStatusCode.InvalidArgument, ex.Code);
        Assert.Contains("\"AVERAGE\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MEAN, SAMPLE, MIN, MAX, MODE, MEDIAN", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pyramiding_policy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_is_a_400_naming_it_and_where_it_is()
    {
        var ex = Rejects<ImportImageRequest>("""{"imageManifest":{"name":"projects/p/assets/a","missingData":{"value":0}}}""");

        Assert.Equal(EeStatusCode.InvalidArgument, ex.Code);
        Assert.Equal(400, ex.HttpStatus);
        Assert.Equal("Invalid JSON payload received. Unknown name \"value\" at 'image_manifest.missing_data': Cannot find field.", ex.Message);
    }

    [Fact]
    public void An_unknown_top_level_field_is_named()
    {
        var ex = Rejects<ImportImageRequest>("""{"manifest":{}}""");
        Assert.Equal("Invalid JSON payload received. Unknown name \"manifest\": Cannot find field.", ex.Message);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"overwrite\":\"yes\"}")]
    [InlineData("{\"imageManifest\":{\"tilesets\":{}}}")]
    public void Malformed_json_is_invalid_argument(string json)
    {
        var ex = Rejects<ImportImageRequest>(json);
        Assert.Equal(EeStatusCode.InvalidArgument, ex.Code);
        Assert.StartsWith("Invalid JSON payload received.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_body_is_an_empty_request()
    {
        Assert.Null(Parse<CancelOperationRequest>(string.Empty).GetType().GetProperties().FirstOrDefault());
        Assert.Null(Parse<ImportImageRequest>(" ").ImageManifest);
    }

    [Fact]
    public void Durations_parse_as_seconds_with_an_s_suffix()
    {
        Assert.Equal(TimeSpan.FromSeconds(3.5), Parse<WaitOperationRequest>("""{"timeout":"3.5s"}""").Timeout);
        Assert.Equal(EeStatusCode.InvalidArgument, Rejects<WaitOperationRequest>("""{"timeout":"10"}""").Code);
    }

    [Fact]
    public void Operation_metadata_carries_its_any_type_url()
    {
        var json = EeJson.Serialize(new Operation
        {
            Name = "projects/p/operations/X",
            Metadata = new OperationMetadata { State = OperationState.Running, Type = "INGEST_IMAGE", CreateTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) },
        });

        using var doc = JsonDocument.Parse(json);
        var metadata = doc.RootElement.GetProperty("metadata");
        Assert.Equal(OperationMetadata.TypeUrl, metadata.GetProperty("@type").GetString());
        Assert.Equal("RUNNING", metadata.GetProperty("state").GetString());
        Assert.Equal("2026-01-02T03:04:05Z", metadata.GetProperty("createTime").GetString());
        Assert.False(doc.RootElement.GetProperty("done").GetBoolean());
    }

    [Fact]
    public void User_properties_keep_their_own_key_spelling()
    {
        var manifest = Parse<ImageManifest>("""{"properties":{"cloud_cover":12.5,"sensorName":"x"}}""");
        Assert.Equal(12.5, manifest.Properties!["cloud_cover"].GetDouble());
        Assert.Contains("\"sensorName\":\"x\"", EeJson.Serialize(manifest), StringComparison.Ordinal);
    }

    private static string CapturedBody(string method)
    {
        var path = Path.Combine(TestData.Root, "..", "reference", "earthengine-client-request-examples.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("captured_bodies").GetProperty(method)[0].GetProperty("body").GetRawText();
    }
}
