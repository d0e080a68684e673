using System.Net;
using System.Text.Json.Nodes;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

[Collection(EeHostGroup.Name)]
public sealed class MalformedRequestTests(EeHostFixture host)
{
    private const string Project = "malformed-tests";
    private const string Name = "projects/malformed-tests/assets/bad/img";
    private const string Source = "{\"uris\":[\"gs://sources/byte.tif\"]}";
    private const string Tileset = "{\"id\":\"ts\",\"sources\":[" + Source + "]}";

    /// <summary>Request bodies rejected at request time: body, expected status, words the message must contain.</summary>
    public static TheoryData<string, int, string> Rejected => new()
    {
        { "{", 400, "Invalid JSON payload" },
        { "[]", 400, "Invalid JSON payload" },
        { "{\"foo\":1}", 400, "Unknown name \"foo\"" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"bar\":1,\"tilesets\":[" + Tileset + "]}}", 400, "Unknown name \"bar\"" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"gs://sources/byte.tif\"],\"primaryPath\":\"x\"}]}]}}", 400, "Unknown name \"primaryPath\"" },
        { "{}", 400, "imageManifest is required" },
        { "{\"imageManifest\":{\"tilesets\":[" + Tileset + "]}}", 400, "imageManifest.name is required" },
        { "{\"imageManifest\":{\"name\":\"foo\",\"tilesets\":[" + Tileset + "]}}", 400, "Invalid asset name 'foo'" },
        { "{\"imageManifest\":{\"name\":\"projects/other-project/assets/x\",\"tilesets\":[" + Tileset + "]}}", 400, "is in project 'other-project'" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/a b\",\"tilesets\":[" + Tileset + "]}}", 400, "path segment" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/a//b\",\"tilesets\":[" + Tileset + "]}}", 400, "path segment" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/a/../b\",\"tilesets\":[" + Tileset + "]}}", 400, "path segment" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\"}}", 400, "tilesets is required" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[{\"id\":\"ts\"}]}}", 400, "tilesets[0].sources is required" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{}]}]}}", 400, "sources[0].uris is required" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"ftp://host/x.tif\"]}]}]}}", 400, "not a supported URI" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"file:///etc/passwd\"]}]}]}}", 400, "not a supported URI" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"gs://bucket\"]}]}]}}", 400, "not a valid gs:// URI" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "," + Tileset + "]}}", 400, "tileset ids must be unique" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[{\"id\":\"ts\",\"crs\":\"FOO\",\"sources\":[" + Source + "]}]}}", 400, "is not a CRS" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "],\"bands\":[{\"id\":\"b\",\"tilesetId\":\"nope\"}]}}", 400, "does not name a tileset" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "],\"bands\":[{\"id\":\"b\",\"tilesetId\":\"ts\"},{\"id\":\"b\",\"tilesetId\":\"ts\",\"tilesetBandIndex\":1}]}}", 400, "more than one band" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "],\"bands\":[{\"id\":\"a b\",\"tilesetId\":\"ts\"}]}}", 400, "not a valid band id" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "],\"bands\":[{\"id\":\"b\",\"tilesetId\":\"ts\",\"tilesetBandIndex\":-1}]}}", 400, "must not be negative" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "],\"bands\":[{\"id\":\"a\",\"tilesetId\":\"ts\"},{\"id\":\"b\",\"tilesetId\":\"ts\"}]}}", 400, "already uses" },
        { "{\"requestId\":\"" + "0123456789012345678901234567890123456789012345678901234567890" + "\",\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "]}}", 400, "Invalid requestId" },
        { "{\"requestId\":\"bad_id!\",\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "]}}", 400, "Invalid requestId" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"pyramidingPolicy\":\"FOO\",\"tilesets\":[" + Tileset + "]}}", 400, "PyramidingPolicy" },
        { "{\"overwrite\":\"yes\",\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "]}}", 400, "bool" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"startTime\":\"2024-02-01T00:00:00Z\",\"endTime\":\"2024-01-01T00:00:00Z\",\"tilesets\":[" + Tileset + "]}}", 400, "endTime is before" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"startTime\":\"yesterday\",\"tilesets\":[" + Tileset + "]}}", 400, "Timestamp" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "],\"bands\":[{\"id\":\"b\",\"tilesetId\":\"ts\"}],\"footprint\":{\"bandId\":\"zz\"}}}", 400, "footprint.bandId" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "],\"maskBands\":[{\"tilesetId\":\"nope\"}]}}", 400, "maskBands[0].tilesetId 'nope' does not name a tileset" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "],\"bands\":[{\"id\":\"b\",\"tilesetId\":\"ts\"}],\"maskBands\":[{\"tilesetId\":\"ts\",\"bandIds\":[\"zz\"]}]}}", 400, "names band 'zz'" },
        { "{\"mode\":\"VIRTUAL\",\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[" + Tileset + "]}}", 400, "VIRTUAL" },
        { "{\"imageManifest\":{\"name\":\"" + Name + "\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"gs://sources/byte.tif\"],\"affineTransform\":{\"scaleX\":1}}]}]}}", 400, "affineTransform" },
    };

    /// <summary>Requests accepted but whose content is wrong: the operation ends FAILED naming the problem.</summary>
    public static TheoryData<string, string> FailedContent => new()
    {
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/band\",\"tilesets\":[" + Tileset + "],\"bands\":[{\"id\":\"b\",\"tilesetId\":\"ts\",\"tilesetBandIndex\":3}]}}", "refers to band index 3" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/missing\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"gs://sources/no-such.tif\"]}]}]}}", "gs://sources/no-such.tif' was not found" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/nocontainer\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"gs://no-such-bucket/x.tif\"]}]}]}}", "was not found" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/mismatch\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[" + Source + ",{\"uris\":[\"gs://sources/green.tif\"]}]}]}}", "does not match source" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/jpeg\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"gs://sources/photo.jpg\"]}]}]}}", "has no CRS" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/loopback\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"http://127.0.0.1:9/x.tif\"]}]}]}}", "loopback, private or link-local" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/metadata\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"http://169.254.169.254/latest/meta-data\"]}]}]}}", "loopback, private or link-local" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/private\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"https://10.1.2.3/x.tif\"]}]}]}}", "loopback, private or link-local" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/unresolvable\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"http://no-such-host.invalid/x.tif\"]}]}]}}", "cannot be downloaded" },
        { "{\"imageManifest\":{\"name\":\"projects/malformed-tests/assets/content/oversize\",\"tilesets\":[{\"id\":\"ts\",\"sources\":[{\"uris\":[\"gs://sources/oversize.tif\"]}]}]}}", "cannot be ingested" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task A_malformed_request_is_answered_4xx_naming_the_problem_and_starts_nothing(string body, int status, string words)
    {
        await host.UploadAsync("byte.tif");
        using var client = host.Client(host.Token(Project));
        var (actual, json, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:import", body);
        response.Dispose();
        Assert.True((int)actual == status, $"{actual}: {json}");
        Assert.Equal(status, json!["error"]!["code"]!.GetValue<int>());
        Assert.Contains(words, json["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(json["error"]!["status"]);
        Assert.Equal(HttpStatusCode.NotFound, (await EeApi.GetAsync(client, $"/v1/{Name}")).Status);
        var (_, list) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/operations");
        Assert.Empty(list!["operations"]?.AsArray() ?? []);
    }

    [Theory]
    [MemberData(nameof(FailedContent))]
    public async Task A_request_with_bad_content_ends_FAILED_naming_the_source_or_band_and_leaves_nothing(string body, string words)
    {
        await host.UploadAsync("byte.tif");
        await host.UploadAsync("green.tif");
        await host.UploadAsync("389225main_sw_1965_1024.jpg", "photo.jpg");
        await host.UploadOversizeAsync();
        const string ContentProject = "malformed-content";
        using var client = host.Client(host.Token(ContentProject));
        body = body.Replace("projects/malformed-tests/", $"projects/{ContentProject}/", StringComparison.Ordinal);
        var (status, started, response) = await EeApi.PostAsync(client, $"/v1/projects/{ContentProject}/image:import", body);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, started?.ToJsonString());
        var done = await EeApi.PollAsync(client, started!["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "FAILED", done.ToJsonString());
        Assert.Contains(words, done["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var asset = JsonNode.Parse(body)!["imageManifest"]!["name"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, (await EeApi.GetAsync(client, $"/v1/{asset}")).Status);
        Assert.Empty(await host.TileBlobsAsync(ContentProject, asset.Split("/assets/")[1]));
        Assert.Empty(await host.StagingBlobsAsync(started["name"]!.GetValue<string>().Split('/')[^1]));
    }

    [Theory]
    [InlineData("GET", "/v1/projects/malformed-tests/nothing-here")]
    [InlineData("GET", "/v1/unknown")]
    [InlineData("POST", "/v1alpha/projects/malformed-tests/image:unknownVerb")]
    [InlineData("PUT", "/v1/projects/malformed-tests/image:import")]
    [InlineData("DELETE", "/v1beta/projects/malformed-tests/algorithms")]
    public async Task Unknown_paths_and_methods_answer_in_Googles_envelope(string method, string path)
    {
        using var client = host.Client(host.Token(Project));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await client.SendAsync(request);
        Assert.True((int)response.StatusCode is 404 or 405, response.StatusCode.ToString());
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((int)response.StatusCode, json["error"]!["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(json["error"]!["message"]!.GetValue<string>()));
    }
}
