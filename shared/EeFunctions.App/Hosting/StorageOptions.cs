using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace EeFunctions.App.Hosting;

/// <summary>
/// The storage account the app and its task hub run on, named as Azure Functions names it: <c>AzureWebJobsStorage</c>
/// holds a connection string, or its <c>__blobServiceUri</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c>
/// (or <c>__accountName</c>) with <c>__credential</c> / <c>__clientId</c> make an identity-based connection.
/// </summary>
public sealed partial class StorageOptions : IValidatableObject
{
    /// <summary>The connection's name (its setting, or the prefix of its identity-based settings).</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>The connection string (the setting's own value); when set, it wins over the identity-based settings.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The storage account whose public-cloud service URIs are used where none is given.</summary>
    public string? AccountName { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public Uri? TableServiceUri { get; set; }

    /// <summary><c>managedidentity</c>, <c>workloadidentity</c>, ... as Microsoft.Extensions.Azure reads it; unset: the default credential chain.</summary>
    public string? Credential { get; set; }

    /// <summary>A user-assigned managed identity (or app registration) by client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Whether the connection is identity-based (Entra ID tokens, no account key).</summary>
    public bool IsIdentityBased => string.IsNullOrEmpty(ConnectionString);

    public Uri? BlobUri => BlobServiceUri ?? AccountUri("blob");

    public Uri? QueueUri => QueueServiceUri ?? AccountUri("queue");

    public Uri? TableUri => TableServiceUri ?? AccountUri("table");

    /// <summary>Reads the connection from configuration (the setting's value, or its section's keys).</summary>
    public static void Bind(IConfiguration configuration, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var section = configuration.GetSection(ConnectionSetting);
        options.ConnectionString = section.Value;
        options.AccountName = section["accountName"];
        options.BlobServiceUri = UriOrNull(section["blobServiceUri"]) ?? options.BlobServiceUri;
        options.QueueServiceUri = UriOrNull(section["queueServiceUri"]) ?? options.QueueServiceUri;
        options.TableServiceUri = UriOrNull(section["tableServiceUri"]) ?? options.TableServiceUri;
        options.Credential = section["credential"];
        options.ClientId = section["clientId"];
        options._malformed = [.. ServiceUriKeys.Where(key => section[key] is { Length: > 0 } text && UriOrNull(text) is null)];
    }

    private static readonly string[] ServiceUriKeys = ["blobServiceUri", "queueServiceUri", "tableServiceUri"];

    private string[] _malformed = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = IsIdentityBased ? IdentityErrors() : ConnectionStringErrors();
        foreach (var error in errors)
        {
            yield return new ValidationResult(error, [nameof(ConnectionString)]);
        }
    }

    private IEnumerable<string> ConnectionStringErrors()
    {
        // The clients' own parsers decide what a valid connection string is; each service must be reachable through it
        // because the task hub uses all three.
        foreach (var (service, create) in new (string, Action)[]
        {
            ("blob", () => _ = new BlobServiceClient(ConnectionString)),
            ("queue", () => _ = new QueueServiceClient(ConnectionString)),
            ("table", () => _ = new TableServiceClient(ConnectionString)),
        })
        {
            string? error = null;
            try
            {
                create();
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                error = $"{ConnectionSetting} is not a usable connection string for the {service} service: {Scrubbed(ex.Message)}";
            }

            // One error: a string the first parser refuses, the others refuse too.
            if (error is not null)
            {
                yield return error;
                yield break;
            }
        }
    }

    /// <summary>The parser's message without any piece of the connection string (the table parser quotes what it refuses).</summary>
    private string Scrubbed(string message)
    {
        foreach (var piece in ConnectionString!.Split([';', '='], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (piece.Length >= 6)
            {
                message = message.Replace(piece, "…", StringComparison.Ordinal);
            }
        }

        return message;
    }

    private IEnumerable<string> IdentityErrors()
    {
        foreach (var key in _malformed)
        {
            yield return $"{ConnectionSetting}__{key} is not an absolute URI.";
        }

        if (AccountName is { Length: > 0 } account && !AccountNamePattern().IsMatch(account))
        {
            yield return $"{ConnectionSetting}__accountName '{account}' is not a storage account name (3 to 24 lowercase letters and digits).";
        }

        if (AccountName is null && BlobServiceUri is null && QueueServiceUri is null && TableServiceUri is null && _malformed.Length == 0)
        {
            yield return $"{ConnectionSetting} is not set: give a connection string (local.settings.json Values or the environment), or " +
                $"{ConnectionSetting}__accountName, or {ConnectionSetting}__blobServiceUri, __queueServiceUri and __tableServiceUri for an identity-based connection.";
            yield break;
        }

        foreach (var (key, uri) in new[] { ("blobServiceUri", BlobUri), ("queueServiceUri", QueueUri), ("tableServiceUri", TableUri) })
        {
            if (_malformed.Contains(key))
            {
                continue;
            }

            if (uri is null)
            {
                yield return $"{ConnectionSetting}__{key} is not set: an identity-based connection needs the blob, queue and table service URIs (or {ConnectionSetting}__accountName).";
            }
            else if (uri.Scheme != Uri.UriSchemeHttps)
            {
                // Azure.Core refuses to send a bearer token over plain HTTP.
                yield return $"{ConnectionSetting}__{key} '{uri}' is not https: identity-based connections send tokens, which need TLS.";
            }
        }

        if (Credential is { Length: > 0 } credential && !KnownCredentials.Contains(credential, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"{ConnectionSetting}__credential '{credential}' is not one of {string.Join(", ", KnownCredentials)} (or unset, for the default credential chain).";
        }
    }

    /// <summary>The <c>credential</c> values Microsoft.Extensions.Azure's component factory builds.</summary>
    private static readonly string[] KnownCredentials = ["managedidentity", "workloadidentity", "managedidentityasfederatedidentity", "azurepipelines"];

    private Uri? AccountUri(string service) =>
        AccountName is { Length: > 0 } account && AccountNamePattern().IsMatch(account) ? new Uri($"https://{account}.{service}.core.windows.net/") : null;

    private static Uri? UriOrNull(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountNamePattern();
}
