using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Hosting;

/// <summary>
/// The <c>AzureWebJobsStorage</c> connection made into clients: by connection string, or by service URIs with the
/// Entra ID credential its settings describe (built by Microsoft.Extensions.Azure, as the Functions host builds it).
/// The app's clients and the task hub's all come from here, so they always reach the same account the same way.
/// </summary>
public sealed class StorageConnection
{
    private readonly StorageOptions _options;

    public StorageConnection(IOptions<StorageOptions> options, IConfiguration configuration, AzureComponentFactory components)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(components);
        _options = options.Value;
        try
        {
            Credential = _options.IsIdentityBased ? components.CreateTokenCredential(configuration.GetSection(StorageOptions.ConnectionSetting)) : null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Microsoft.Extensions.Azure names the keys it misses, not the connection they belong to.
            throw new InvalidOperationException($"{StorageOptions.ConnectionSetting}: {ex.Message}", ex);
        }
    }

    /// <summary>For tests: a connection with an explicit credential.</summary>
    public StorageConnection(StorageOptions options, TokenCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Credential = options.IsIdentityBased ? credential ?? throw new ArgumentNullException(nameof(credential)) : null;
    }

    /// <summary>Whether requests carry Entra ID tokens (no account key: SAS must be user delegation SAS).</summary>
    public bool IsIdentityBased => _options.IsIdentityBased;

    /// <summary>The token credential of an identity-based connection; null for a connection string.</summary>
    public TokenCredential? Credential { get; }

    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions options) => IsIdentityBased
        ? new BlobServiceClient(_options.BlobUri, Credential, options)
        : new BlobServiceClient(_options.ConnectionString, options);

    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions options) => IsIdentityBased
        ? new QueueServiceClient(_options.QueueUri, Credential, options)
        : new QueueServiceClient(_options.ConnectionString, options);

    public TableServiceClient CreateTableServiceClient(TableClientOptions options) => IsIdentityBased
        ? new TableServiceClient(_options.TableUri, Credential, options)
        : new TableServiceClient(_options.ConnectionString, options);

    /// <summary>The same account for DTFx's task hub.</summary>
    public StorageAccountClientProvider CreateTaskHubProvider() => IsIdentityBased
        ? new StorageAccountClientProvider(_options.BlobUri!, _options.QueueUri!, _options.TableUri!, Credential!)
        : new StorageAccountClientProvider(_options.ConnectionString!);
}
