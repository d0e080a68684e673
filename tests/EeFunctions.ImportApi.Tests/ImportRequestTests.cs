using System.Text;
using EeFunctions.App.ImportApi;
using Microsoft.AspNetCore.Http;

namespace EeFunctions.ImportApi.Tests;

/// <summary>Reading an import's body: Rails-style nested form keys, JSON, and download headers kept out of the echo.</summary>
public sealed class ImportRequestTests
{
    [Fact]
    public async Task Nested_form_keys_become_nested_objects_and_lists_and_metadatas_reads_as_metadata()
    {
        var request = await ReadAsync("album_id=a&metadatas[x][y]=1&metadatas[x][z]=2&metadatas[tags][]=p&metadatas[tags][]=q&url=http%3A%2F%2Fh%2Fi.jpg");

        Assert.Equal("a", request.AlbumId);
        Assert.Equal("http://h/i.jpg", request.Url);
        Assert.Equal("""{"x":{"y":"1","z":"2"},"tags":["p","q"]}""", request.Metadata.ToJsonString());
    }

    [Fact]
    public async Task Download_headers_are_read_for_the_download_and_redacted_in_the_echo()
    {
        var request = await ReadAsync("album_id=a&url=http%3A%2F%2Fh%2F&headers[Authorization]=Basic%20c2VjcmV0&headers[Accept]=image%2F*");

        Assert.Equal("Basic c2VjcmV0", request.DownloadHeaders()["authorization"]);
        var echo = request.EchoParams();
        Assert.Equal("[FILTERED]", (string?)echo["headers"]!["Authorization"]);
        Assert.Equal("[FILTERED]", (string?)echo["headers"]!["Accept"]);
        Assert.DoesNotContain("c2VjcmV0", echo.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("api/v1/imports", (string?)echo["controller"]);
        Assert.Equal("create", (string?)echo["action"]);
    }

    [Theory]
    [InlineData("headers[Content-Length]=5")]
    [InlineData("headers[Bad%20Name]=x")]
    [InlineData("headers[X-Split]=a%0D%0AInjected%3A%20yes")]
    public async Task A_header_that_cannot_be_sent_is_422(string field)
    {
        var request = await ReadAsync("album_id=a&url=http%3A%2F%2Fh%2F&" + field);

        var ex = Assert.Throws<ImportApiException>(request.DownloadHeaders);
        Assert.Equal(422, ex.Status);
    }

    [Fact]
    public async Task A_json_body_that_is_not_an_object_is_422()
    {
        var http = new DefaultHttpContext();
        http.Request.ContentType = "application/json";
        http.Request.Body = new MemoryStream("[1, 2]"u8.ToArray());

        var ex = await Assert.ThrowsAsync<ImportApiException>(() => ImportRequest.ReadAsync(http.Request, CancellationToken.None));
        Assert.Equal(422, ex.Status);
    }

    private static Task<ImportRequest> ReadAsync(string form)
    {
        var http = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(form);
        http.Request.ContentType = "application/x-www-form-urlencoded";
        http.Request.ContentLength = bytes.Length;
        http.Request.Body = new MemoryStream(bytes);
        return ImportRequest.ReadAsync(http.Request, CancellationToken.None);
    }
}
