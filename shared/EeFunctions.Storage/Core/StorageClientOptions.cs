using Azure.Core;

namespace EeFunctions.Storage;

/// <summary>
/// Options shared by the blob, queue and table clients. Retries are configured once here, through
/// Azure.Core: exponential backoff on 408, 429, 500, 502, 503, 504 and network timeouts.
/// </summary>
public class StorageClientOptions : ClientOptions
{
    public StorageClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(10);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
    }

    /// <summary>The REST API version sent as <c>x-ms-version</c> (blob and queue).</summary>
    public string Version { get; set; } = StorageVersionPolicy.DefaultVersion;
}
