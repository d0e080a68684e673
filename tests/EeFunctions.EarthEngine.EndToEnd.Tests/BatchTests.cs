using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

[Collection(EeHostGroup.Name)]
public sealed partial class BatchTests(EeHostFixture host)
{
    private const string Boundary = "batch_EARTHENGINE_batch";

    private static readonly string[] s_finished = ["CANCELLED", "SUCCEEDED"];

    [Fact]
    public async Task Three_operation_reads_in_one_batch_are_answered_part_by_part_like_direct_reads()
    {
        const string Project = "batch-reads";
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("byte.tif");
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var started = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, $"batch/img{i}", uri));
            names.Add((await EeApi.PollAsync(client, started["name"]!.GetValue<string>()))["name"]!.GetValue<string>());
        }

        var missing = $"projects/{Project}/operations/AAAAAAAAAAAAAAAAAAAAAAAA";
        var (status, contentType, parts) = await SendBatchAsync(client, [.. names.Select(n => (n, $"GET /v1/{n} HTTP/1.1")), (missing, $"GET /v1/{missing} HTTP/1.1")]);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("multipart/mixed; boundary=", contentType, StringComparison.Ordinal);
        Assert.Equal([.. names, missing], parts.Select(p => p.Id));
        foreach (var (part, name) in parts.Take(3).Zip(names))
        {
            Assert.True(part.Status == 200, part.Text);
            var (_, direct) = await EeApi.GetAsync(client, $"/v1/{name}");
            Assert.Equal(direct!.ToJsonString(), JsonNode.Parse(part.Text)!.ToJsonString());
            Assert.Equal(name, JsonNode.Parse(part.Text)!["name"]!.GetValue<string>());
            Assert.Equal("SUCCEEDED", EeApi.State(JsonNode.Parse(part.Text)!));
        }

        Assert.Equal(404, parts[3].Status);
        Assert.Equal("NOT_FOUND", JsonNode.Parse(parts[3].Text)!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inner_requests_get_the_same_auth_checks_as_direct_ones()
    {
        const string Project = "batch-auth";
        var operation = $"projects/{Project}/operations/AAAAAAAAAAAAAAAAAAAAAAAA";
        var wrongProject = host.Token("another-project");
        var rightProject = host.Token(Project);
        using var anonymous = host.Client(null);
        var (status, _, parts) = await SendBatchAsync(anonymous, [
            ("none", $"GET /v1/{operation} HTTP/1.1"),
            ("foreign", $"GET /v1/{operation} HTTP/1.1\r\nAuthorization: Bearer {wrongProject}"),
            ("own", $"GET /v1/{operation} HTTP/1.1\r\nAuthorization: Bearer {rightProject}"),
            ("list", $"GET /v1/projects/{Project}/operations?pageSize=5 HTTP/1.1\r\nAuthorization: Bearer {rightProject}"),
        ]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([401, 403, 404, 200], parts.Select(p => p.Status));
        Assert.Equal("UNAUTHENTICATED", JsonNode.Parse(parts[0].Text)!["error"]!["status"]!.GetValue<string>());
        Assert.Equal("PERMISSION_DENIED", JsonNode.Parse(parts[1].Text)!["error"]!["status"]!.GetValue<string>());

        // The outer request's token serves the parts that carry none.
        using var authorized = host.Client(rightProject);
        var (_, _, inherited) = await SendBatchAsync(authorized, [("inherited", $"GET /v1/{operation} HTTP/1.1")]);
        Assert.Equal(404, Assert.Single(inherited).Status);
    }

    [Fact]
    public async Task A_cancel_part_posts_its_json_body_through_the_batch()
    {
        const string Project = "batch-cancel";
        using var client = host.Client(host.Token(Project));
        var started = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "batch/cancel", await host.UploadAsync("byte.tif")));
        var name = started["name"]!.GetValue<string>();
        var (status, _, parts) = await SendBatchAsync(client, [(name, $"POST /v1/{name}:cancel HTTP/1.1\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{{}}")]);
        Assert.Equal(HttpStatusCode.OK, status);
        var part = Assert.Single(parts);
        Assert.True(part.Status == 200, part.Text);
        Assert.Equal("{}", part.Text);
        var done = await EeApi.PollAsync(client, name);
        Assert.Contains(EeApi.State(done), s_finished);
    }

    [Fact]
    public async Task Only_Earth_Engine_paths_are_served_inside_a_batch()
    {
        using var client = host.Client(null);
        var (status, _, parts) = await SendBatchAsync(client, [
            ("health", "GET /api/health HTTP/1.1"),
            ("durable", $"GET /runtime/webhooks/durabletask/instances?code={EeHostFixture.SystemKey} HTTP/1.1"),
            ("nested", "POST /batch HTTP/1.1"),
        ]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(parts, p => Assert.Equal(404, p.Status));
    }

    [Theory]
    [InlineData("text/plain", "GET /v1/x HTTP/1.1")]
    [InlineData("multipart/mixed", "--x\r\nContent-Type: application/http\r\n\r\nGET /v1/x HTTP/1.1\r\n--x--\r\n")]
    [InlineData("multipart/mixed; boundary=x", "--x\r\nContent-Type: text/plain\r\n\r\nGET /v1/x HTTP/1.1\r\n--x--\r\n")]
    [InlineData("multipart/mixed; boundary=x", "--x\r\nContent-Type: application/http\r\n\r\nnot a request line\r\n--x--\r\n")]
    [InlineData("multipart/mixed; boundary=x", "--x--\r\n")]
    [InlineData("multipart/mixed; boundary=x", "--x\r\nContent-Type: application/http\r\n\r\nGET /v1/x HTTP/1.1\r\n")]
    public async Task A_malformed_batch_is_INVALID_ARGUMENT_in_Googles_envelope(string contentType, string body)
    {
        using var client = host.Client(null);
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await client.PostAsync("/batch", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal("INVALID_ARGUMENT", JsonNode.Parse(text)!["error"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task More_than_one_hundred_parts_is_INVALID_ARGUMENT()
    {
        using var client = host.Client(null);
        var requests = Enumerable.Range(0, 101).Select(i => ($"p{i}", "GET /v1/projects/p/operations/x HTTP/1.1")).ToArray();
        using var response = await client.PostAsync("/batch", Multipart(requests));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Contains("at most 100 parts", JsonNode.Parse(text)!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>Sends parts in the JS client's format and reads the reply the way its <c>parseBatchReply</c> does.</summary>
    private static async Task<(HttpStatusCode Status, string ContentType, List<(string Id, int Status, string Text)> Parts)> SendBatchAsync(HttpClient client, (string Id, string Request)[] requests)
    {
        using var response = await client.PostAsync("/batch", Multipart(requests));
        var text = await response.Content.ReadAsStringAsync();
        var contentType = response.Content.Headers.ContentType?.ToString() ?? string.Empty;
        var parts = new List<(string, int, string)>();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, contentType, parts);
        }

        Assert.DoesNotMatch(BareLineFeed(), text);
        var boundary = contentType.Split("; boundary=")[1];
        Assert.EndsWith($"--{boundary}--\r\n", text, StringComparison.Ordinal);
        foreach (var part in text.Split("--" + boundary))
        {
            var groups = part.Split("\r\n\r\n");
            if (groups.Length < 3)
            {
                continue;
            }

            Assert.Contains("\r\nContent-Type: application/http\r\n", groups[0], StringComparison.Ordinal);
            var id = ResponseId().Match(groups[0]).Groups[1].Value;
            var status = int.Parse(StatusLine().Match(groups[1]).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("\r\nContent-Type: application/json", groups[1], StringComparison.Ordinal);
            parts.Add((id, status, string.Join("\r\n\r\n", groups[2..]).TrimEnd('\r', '\n')));
        }

        return (response.StatusCode, contentType, parts);
    }

    private static StringContent Multipart((string Id, string Request)[] requests)
    {
        const string Headers = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nMIME-Version: 1.0\r\n";
        var body = string.Concat(requests.Select(r => $"--{Boundary}\r\n{Headers}Content-ID: <{r.Id}>\r\n\r\n{(r.Request.Contains("\r\n\r\n", StringComparison.Ordinal) ? r.Request : r.Request + "\r\n\r\n")}\r\n")) + $"--{Boundary}--\r\n";
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/mixed; boundary={Boundary}");
        return content;
    }

    [GeneratedRegex(@"\r\nContent-ID: <response-([^>]*)>")]
    private static partial Regex ResponseId();

    [GeneratedRegex(@"^HTTP\S*\s(\d+)\s")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"[^\r]\n")]
    private static partial Regex BareLineFeed();
}
