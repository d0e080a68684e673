using System.Text.Json;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;

namespace EeFunctions.EarthEngine.Tests;

/// <summary>The validator's rules for a tileset's dataType, skipMetadataRead and several missing-data values.</summary>
public sealed class ImportManifestOptionsValidationTests
{
    private const string Transform = """{"scaleX":1,"translateX":0,"scaleY":-1,"translateY":10}""";

    [Theory]
    [InlineData("UINT8", "UINT8")]
    [InlineData("INT16", "INT16")]
    [InlineData("UINT32", "UINT32")]
    [InlineData("FLOAT", "FLOAT")]
    [InlineData("FLOAT32", "FLOAT")]
    [InlineData("FLOAT64", "DOUBLE")]
    public void A_tileset_data_type_is_carried_by_its_proto_name(string given, string carried) =>
        Assert.Equal(carried, Validate($$"""{"id":"t","dataType":"{{given}}","sources":[{"uris":["gs://b/x.tif"]}]}""").Tilesets[0].DataType);

    [Fact]
    public void INT8_is_refused_naming_the_tileset_field()
    {
        var ex = Assert.Throws<EarthEngineException>(() => Validate("""{"id":"t","dataType":"INT8","sources":[{"uris":["gs://b/x.tif"]}]}"""));
        Assert.Equal(EeStatusCode.InvalidArgument, ex.Code);
        Assert.Contains("imageManifest.tilesets[0].dataType INT8", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":"t","dataType":"FLOAT","sources":[{"uris":["gs://b/x.tif"],"affineTransform":TRANSFORM,"dimensions":{"width":3,"height":2}}]}""", "crs and dataType")]
    [InlineData("""{"id":"t","crs":"EPSG:4326","sources":[{"uris":["gs://b/x.tif"],"affineTransform":TRANSFORM,"dimensions":{"width":3,"height":2}}]}""", "crs and dataType")]
    [InlineData("""{"id":"t","crs":"EPSG:4326","dataType":"FLOAT","sources":[{"uris":["gs://b/x.tif"],"dimensions":{"width":3,"height":2}}]}""", "affineTransform and dimensions")]
    [InlineData("""{"id":"t","crs":"EPSG:4326","dataType":"FLOAT","sources":[{"uris":["gs://b/x.tif"],"affineTransform":TRANSFORM}]}""", "affineTransform and dimensions")]
    public void skipMetadataRead_needs_what_the_files_would_have_said(string tileset, string missing)
    {
        var ex = Assert.Throws<EarthEngineException>(() => Validate(tileset.Replace("TRANSFORM", Transform, StringComparison.Ordinal), skip: true));
        Assert.Equal(EeStatusCode.InvalidArgument, ex.Code);
        Assert.Contains("skipMetadataRead", ex.Message, StringComparison.Ordinal);
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void skipMetadataRead_carries_each_source_size_into_the_spec()
    {
        var spec = Validate($$$"""{"id":"t","crs":"EPSG:4326","dataType":"FLOAT","sources":[{"uris":["gs://b/x.tif"],"affineTransform":{{{Transform}}},"dimensions":{"width":3,"height":2}}]}""", skip: true);
        Assert.True(spec.SkipMetadataRead);
        Assert.Equal(new SpecDimensions(3, 2), spec.Tilesets[0].Dimensions![0]);
    }

    [Fact]
    public void Without_skipMetadataRead_source_dimensions_are_not_used()
    {
        var spec = Validate("""{"id":"t","sources":[{"uris":["gs://b/x.tif"],"dimensions":{"width":3,"height":2}}]}""");
        Assert.False(spec.SkipMetadataRead);
        Assert.Null(spec.Tilesets[0].Dimensions);
    }

    [Fact]
    public void Every_missing_data_value_reaches_the_spec_and_survives_a_durable_JSON_round_trip()
    {
        var request = EeJson.Deserialize<ImportImageRequest>("""
            {"imageManifest":{"name":"projects/my-project/assets/a","tilesets":[{"id":"t","sources":[{"uris":["gs://b/x.tif"]}]}],
             "bands":[{"id":"b1","tilesetId":"t","missingData":{"values":[1,"-Infinity","NaN"]}}],"missingData":{"values":[0,255]}}}
            """u8);
        var spec = ImportRequestValidator.Validate("my-project", request, "OPID", DateTimeOffset.UnixEpoch);
        Assert.Equal([0.0, 255.0], spec.MissingData);
        Assert.Equal([1.0, double.NegativeInfinity, double.NaN], spec.Bands![0].MissingData);

        // Plain web options, as a durable engine without named literals would use.
        var back = JsonSerializer.Deserialize<ImportSpec>(JsonSerializer.Serialize(spec, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
        Assert.Equal(spec.Bands[0].MissingData, back.Bands![0].MissingData);
        Assert.Equal(spec.MissingData, back.MissingData);
    }

    private static ImportSpec Validate(string tileset, bool skip = false)
    {
        var json = $$$"""{"imageManifest":{"name":"projects/my-project/assets/a","skipMetadataRead":{{{(skip ? "true" : "false")}}},"tilesets":[{{{tileset}}}]}}""";
        return ImportRequestValidator.Validate("my-project", EeJson.Deserialize<ImportImageRequest>(System.Text.Encoding.UTF8.GetBytes(json)), "OPID", DateTimeOffset.UnixEpoch);
    }
}
