using System.Net;
using EeFunctions.App.EarthEngine;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>The service's SSRF-guarded downloader under the Import API's own policy (<c>ImportApi:AllowPrivateNetworkSources</c> and limits).</summary>
public sealed class PhotoDownloader(SafeDownloadPolicy policy) : IDisposable
{
    private readonly SafeHttpDownloader _downloader = new(policy);

    public PhotoDownloader(IOptions<ImportApiOptions> options)
        : this(new SafeDownloadPolicy(options.Value.AllowPrivateNetworkSources, options.Value.MaxSourceBytes, options.Value.DownloadTimeout))
    {
    }

    /// <summary>Why a URL whose host is an address literal is refused before anything is accepted, or null.</summary>
    public string? RefusalOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && !policy.Allows(address)
            ? $"url points at {address}, a loopback, private or link-local address, which imports may not fetch."
            : null;
    }

    public Task DownloadAsync(Uri uri, string path, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken) =>
        _downloader.DownloadAsync(uri, path, headers, cancellationToken);

    public void Dispose() => _downloader.Dispose();
}
