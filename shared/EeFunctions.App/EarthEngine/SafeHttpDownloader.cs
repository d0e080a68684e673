using System.Net;
using System.Net.Sockets;
using EeFunctions.EarthEngine.Errors;

namespace EeFunctions.App.EarthEngine;

/// <summary>
/// Downloads a caller-given http(s) URL with the SSRF guard of ARCHITECTURE §6: scheme allow-list; every address the
/// host resolves to is checked at connect time (no loopback, private, link-local, CGNAT, multicast or unspecified
/// address unless the policy allows private networks); redirects followed by hand and each target re-checked; a size
/// limit and a time limit. Each feature that fetches caller URLs (the Earth Engine import, the Import API) holds one
/// with its own policy, so one feature's setting never opens the other.
/// </summary>
public sealed class SafeHttpDownloader : IDisposable
{
    private const int MaxRedirects = 5;
    private readonly SafeDownloadPolicy _options;
    private readonly HttpClient _client;

    public SafeHttpDownloader(SafeDownloadPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _options = policy;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Task DownloadAsync(Uri uri, string path, CancellationToken cancellationToken) => DownloadAsync(uri, path, null, cancellationToken);

    /// <summary>
    /// Downloads <paramref name="uri"/> to <paramref name="path"/>, sending <paramref name="headers"/> to the URL's own
    /// origin only (a redirect to another origin does not carry them, since they may be credentials).
    /// </summary>
    public async Task DownloadAsync(Uri uri, string path, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DownloadTimeout);
        var current = uri;
        try
        {
            for (var hop = 0; ; hop++)
            {
                CheckScheme(current, uri);
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                if (headers is not null && Uri.Compare(current, uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    foreach (var (name, value) in headers)
                    {
                        if (!request.Headers.TryAddWithoutValidation(name, value))
                        {
                            throw Invalid(uri, $"header '{name}' cannot be sent.");
                        }
                    }
                }

                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw Invalid(uri, $"more than {MaxRedirects} redirects.");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw Invalid(uri, $"the server answered HTTP {(int)response.StatusCode}.");
                }

                if (response.Content.Headers.ContentLength > _options.MaxSourceBytes)
                {
                    throw Invalid(uri, $"it is {response.Content.Headers.ContentLength} bytes; the limit is {_options.MaxSourceBytes}.");
                }

                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    total += read;
                    if (total > _options.MaxSourceBytes)
                    {
                        throw Invalid(uri, $"it is larger than the limit of {_options.MaxSourceBytes} bytes.");
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), timeout.Token);
                }

                return;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Invalid(uri, $"the download took longer than {_options.DownloadTimeout}.");
        }
        catch (HttpRequestException ex)
        {
            throw Invalid(uri, ex.InnerException is EarthEngineException inner ? inner.Message : ex.Message);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Whether an address may be fetched (public unicast only, unless private networks are allowed).</summary>
    public static bool IsForbidden(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) ||
                   (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] >= 224;
        }

        var v6 = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"the host '{context.DnsEndPoint.Host}' does not resolve.");
        }

        if (addresses.FirstOrDefault(a => !_options.Allows(a)) is { } forbidden)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"the host '{context.DnsEndPoint.Host}' resolves to {forbidden}, a loopback, private or link-local address, which sources may not use.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void CheckScheme(Uri current, Uri original)
    {
        if (current.Scheme != Uri.UriSchemeHttp && current.Scheme != Uri.UriSchemeHttps)
        {
            throw Invalid(original, $"scheme '{current.Scheme}' is not allowed (http and https only).");
        }
    }

    private static EarthEngineException Invalid(Uri uri, string why) => new(EeStatusCode.InvalidArgument, $"Source '{uri}' cannot be downloaded: {why}");
}

/// <summary>What one feature's downloads may reach and how much they may fetch.</summary>
public sealed record SafeDownloadPolicy(bool AllowPrivateNetworkSources, long MaxSourceBytes, TimeSpan DownloadTimeout)
{
    /// <summary>Addresses allowed even when private networks are not (one internal server; a test's loopback listener).</summary>
    public IReadOnlyCollection<IPAddress> AllowedAddresses { get; init; } = [];

    /// <summary>Whether a download may connect to <paramref name="address"/>.</summary>
    public bool Allows(IPAddress address) =>
        AllowPrivateNetworkSources || !SafeHttpDownloader.IsForbidden(address) || AllowedAddresses.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
