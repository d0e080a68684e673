using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace EeFunctions.ImportApi.Tests;

/// <summary>
/// A loopback HTTP server for the photos under test: serves registered bytes, redirects, and records the headers each
/// request came with.
/// </summary>
public sealed class PhotoServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly ConcurrentDictionary<string, string> _redirects = new();

    public PhotoServer()
    {
        var port = FreePort();
        BaseUri = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUri);
        _listener.Start();
        _ = ServeAsync();
    }

    public string BaseUri { get; }

    /// <summary>The headers of every request, by path.</summary>
    public ConcurrentDictionary<string, WebHeaderCollection> Requests { get; } = new();

    public string Serve(string name, byte[] content)
    {
        _files[name] = content;
        return BaseUri + name;
    }

    public string Redirect(string name, string target)
    {
        _redirects[name] = target;
        return BaseUri + name;
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var name = context.Request.Url!.AbsolutePath.TrimStart('/');
            Requests[name] = (WebHeaderCollection)context.Request.Headers;
            try
            {
                if (_redirects.TryGetValue(name, out var target))
                {
                    context.Response.StatusCode = 302;
                    context.Response.RedirectLocation = target;
                }
                else if (_files.TryGetValue(name, out var content))
                {
                    context.Response.ContentLength64 = content.Length;
                    await context.Response.OutputStream.WriteAsync(content);
                }
                else
                {
                    context.Response.StatusCode = 404;
                }

                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // The client went away.
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
