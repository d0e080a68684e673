using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;

namespace EeFunctions.EarthEngine.Tests;

public sealed class NamesAndValidationTests
{
    [Theory]
    [InlineData("my-project", true)]
    [InlineData("example.com:my-project", true)]
    [InlineData("abcdef", true)]
    [InlineData("abcde", false)]
    [InlineData("My-Project", false)]
    [InlineData("1project", false)]
    [InlineData("project-", false)]
    [InlineData("a-project-name-that-is-far-too-long", false)]
    public void Project_ids(string project, bool valid) => Assert.Equal(valid, EeNames.IsProjectId(project));

    [Fact]
    public void Instance_ids_carry_the_project_and_parse_back()
    {
        var id = EeNames.NewOperationId();
        Assert.True(EeNames.IsOperationId(id));
        var instance = EeNames.InstanceId("my-project-2", id);
        Assert.Equal(("my-project-2", id), EeNames.ParseInstanceId(instance));
        Assert.Null(EeNames.ParseInstanceId("not-an-ee-instance"));
        Assert.Null(EeNames.ParseInstanceId("ee-ab-" + id));
    }

    [Fact]
    public void The_operation_id_of_a_request_id_depends_on_project_caller_and_request_id()
    {
        var a = EeNames.OperationIdFor("my-project", "alice", "req-1");
        Assert.Equal(a, EeNames.OperationIdFor("my-project", "alice", "req-1"));
        Assert.NotEqual(a, EeNames.OperationIdFor("my-project", "bob", "req-1"));
        Assert.NotEqual(a, EeNames.OperationIdFor("other-project", "alice", "req-1"));
        Assert.NotEqual(a, EeNames.OperationIdFor("my-project", "alice", "req-2"));
        Assert.True(EeNames.IsOperationId(a));
    }

    [Theory]
    [InlineData("abc-DEF-123", true)]
    [InlineData("", true)]
    [InlineData("has_underscore", false)]
    [InlineData("has space", false)]
    public void Request_ids(string requestId, bool valid)
    {
        var ex = Record.Exception(() => EeNames.ValidateRequestId(requestId));
        Assert.Equal(valid, ex is null);
    }

    [Fact]
    public void A_request_id_of_61_characters_is_refused() =>
        Assert.Equal(EeStatusCode.InvalidArgument, Assert.Throws<EarthEngineException>(() => EeNames.ValidateRequestId(new string('a', 61))).Code);

    [Fact]
    public void A_valid_manifest_becomes_a_spec_with_prefixed_uris_and_band_policies()
    {
        var request = EeJson.Deserialize<ImportImageRequest>("""
            {"image_manifest":{"name":"projects/my-project/assets/a/b","uri_prefix":"gs://bucket/",
             "tilesets":[{"id":"t","sources":[{"uris":["x.tif"]}]}],
             "bands":[{"id":"red","tileset_id":"t","tileset_band_index":0,"pyramiding_policy":"MODE"}],
             "pyramidingPolicy":"MAX","missingData":{"values":[0]}},"overwrite":{"value":true},"description":"d"}
            """u8);
        var spec = ImportRequestValidator.Validate("my-project", request, "OPID", DateTimeOffset.UnixEpoch);
        Assert.Equal("a/b", spec.AssetPath);
        Assert.Equal("gs://bucket/x.tif", spec.Tilesets[0].Sources[0]);
        Assert.Equal("MODE", spec.Bands![0].Policy);
        Assert.Equal("MAX", spec.DefaultPolicy);
        Assert.Equal([0.0], spec.Bands[0].MissingData);
        Assert.True(spec.Overwrite);
        Assert.Equal("d", spec.Description);
    }
}
