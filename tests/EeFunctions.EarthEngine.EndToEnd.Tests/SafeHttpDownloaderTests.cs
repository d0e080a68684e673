using System.Net;
using System.Net.Sockets;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.App.EarthEngine;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>The SSRF guard against a local HTTP server: allowed when private networks are allowed, else refused, redirects re-checked.</summary>
public sealed class SafeHttpDownloaderTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _base;
    private readonly string _file = Path.Combine(Path.GetTempPath(), "ssrf-" + Guid.NewGuid().ToString("N"));

    public SafeHttpDownloaderTests()
    {
        var port = FreePort();
        _base = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(_base);
        _listener.Start();
        _ = ServeAsync();
    }

    [Fact]
    public async Task A_private_address_is_refused_unless_configured()
    {
        using var guarded = Downloader(allowPrivate: false);
        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => guarded.DownloadAsync(new Uri(_base + "data"), _file, CancellationToken.None));
        Assert.Contains("loopback, private or link-local", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_file) && new FileInfo(_file).Length > 0);

        using var open = Downloader(allowPrivate: true);
        await open.DownloadAsync(new Uri(_base + "data"), _file, CancellationToken.None);
        Assert.Equal(1000, new FileInfo(_file).Length);
    }

    [Fact]
    public async Task Redirects_are_followed_and_each_target_is_checked()
    {
        using var open = Downloader(allowPrivate: true);
        await open.DownloadAsync(new Uri(_base + "redirect"), _file, CancellationToken.None);
        Assert.Equal(1000, new FileInfo(_file).Length);

        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => open.DownloadAsync(new Uri(_base + "redirect-ftp"), _file, CancellationToken.None));
        Assert.Contains("scheme 'ftp' is not allowed", ex.Message, StringComparison.Ordinal);
        ex = await Assert.ThrowsAsync<EarthEngineException>(() => open.DownloadAsync(new Uri(_base + "loop"), _file, CancellationToken.None));
        Assert.Contains("redirects", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Size_time_and_status_limits_fail_with_a_message()
    {
        using var small = Downloader(allowPrivate: true, maxBytes: 500);
        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => small.DownloadAsync(new Uri(_base + "data"), _file, CancellationToken.None));
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);

        using var quick = Downloader(allowPrivate: true, timeout: TimeSpan.FromMilliseconds(300));
        ex = await Assert.ThrowsAsync<EarthEngineException>(() => quick.DownloadAsync(new Uri(_base + "slow"), _file, CancellationToken.None));
        Assert.Contains("took longer", ex.Message, StringComparison.Ordinal);

        using var open = Downloader(allowPrivate: true);
        ex = await Assert.ThrowsAsync<EarthEngineException>(() => open.DownloadAsync(new Uri(_base + "missing"), _file, CancellationToken.None));
        Assert.Contains("HTTP 404", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("172.16.5.4", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("2001:4860:4860::8888", false)]
    public void Forbidden_addresses(string address, bool forbidden) => Assert.Equal(forbidden, SafeHttpDownloader.IsForbidden(IPAddress.Parse(address)));

    public void Dispose()
    {
        _listener.Close();
        File.Delete(_file);
    }

    private static SafeHttpDownloader Downloader(bool allowPrivate, long maxBytes = 1_000_000, TimeSpan? timeout = null) =>
        new(new SafeDownloadPolicy(allowPrivate, maxBytes, timeout ?? TimeSpan.FromSeconds(10)));

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = HandleAsync(context);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            switch (context.Request.Url!.AbsolutePath)
            {
                case "/data":
                    response.ContentLength64 = 1000;
                    await response.OutputStream.WriteAsync(new byte[1000]);
                    break;
                case "/redirect":
                    response.StatusCode = 302;
                    response.RedirectLocation = _base + "data";
                    break;
                case "/redirect-ftp":
                    response.StatusCode = 302;
                    response.RedirectLocation = "ftp://example.com/x.tif";
                    break;
                case "/loop":
                    response.StatusCode = 302;
                    response.RedirectLocation = _base + "loop";
                    break;
                case "/slow":
                    await Task.Delay(3000);
                    break;
                default:
                    response.StatusCode = 404;
                    break;
            }

            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away.
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
