namespace EeFunctions.Storage;

/// <summary>
/// A parsed Azure Storage connection string: <c>UseDevelopmentStorage=true</c>, account name and key with
/// protocol and endpoint suffix, explicit <c>BlobEndpoint</c>/<c>QueueEndpoint</c>/<c>TableEndpoint</c>
/// (Azurite style), and <c>SharedAccessSignature</c>.
/// </summary>
public sealed class StorageConnectionString
{
    /// <summary>The well-known Azurite account (public, documented by Microsoft).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The well-known Azurite key (public, documented by Microsoft).</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly HashSet<string> s_knownKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "UseDevelopmentStorage", "DevelopmentStorageProxyUri", "DefaultEndpointsProtocol", "AccountName",
        "AccountKey", "EndpointSuffix", "BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint",
        "SharedAccessSignature",
    };

    private StorageConnectionString(string? accountName, StorageSharedKeyCredential? sharedKey, string? sas,
        Uri blobEndpoint, Uri queueEndpoint, Uri tableEndpoint)
    {
        AccountName = accountName;
        SharedKeyCredential = sharedKey;
        SharedAccessSignature = sas;
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        TableEndpoint = tableEndpoint;
    }

    /// <summary>The account name, when the string names one (or it can be derived from an endpoint).</summary>
    public string? AccountName { get; }

    /// <summary>The account key credential, when the string carries a key.</summary>
    public StorageSharedKeyCredential? SharedKeyCredential { get; }

    /// <summary>The SAS token (without a leading <c>?</c>), when the string carries one.</summary>
    public string? SharedAccessSignature { get; }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    /// <summary>Parses a connection string; a malformed one throws <see cref="FormatException"/> naming the bad part.</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new FormatException("The storage connection string is empty.");
        }

        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rawPart in connectionString.Split(';'))
        {
            var part = rawPart.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"The storage connection string has a part without 'name=value': '{Redact(part)}'.");
            }

            var name = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (!s_knownKeys.Contains(name))
            {
                throw new FormatException($"The storage connection string has an unknown setting '{name}'.");
            }

            if (!settings.TryAdd(name, value))
            {
                throw new FormatException($"The storage connection string sets '{name}' more than once.");
            }
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var useDev))
        {
            if (!bool.TryParse(useDev, out var dev) || !dev)
            {
                throw new FormatException($"The storage connection string has 'UseDevelopmentStorage={useDev}'; only 'true' is meaningful.");
            }

            var proxy = settings.TryGetValue("DevelopmentStorageProxyUri", out var p) ? ParseUri("DevelopmentStorageProxyUri", p) : new Uri("http://127.0.0.1");
            return new StorageConnectionString(
                DevelopmentAccountName,
                new StorageSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey),
                null,
                new Uri($"{proxy.Scheme}://{proxy.Host}:10000/{DevelopmentAccountName}"),
                new Uri($"{proxy.Scheme}://{proxy.Host}:10001/{DevelopmentAccountName}"),
                new Uri($"{proxy.Scheme}://{proxy.Host}:10002/{DevelopmentAccountName}"));
        }

        settings.TryGetValue("AccountName", out var accountName);
        settings.TryGetValue("AccountKey", out var accountKey);
        settings.TryGetValue("SharedAccessSignature", out var sas);

        StorageSharedKeyCredential? key = null;
        if (accountKey is not null)
        {
            if (string.IsNullOrEmpty(accountName))
            {
                throw new FormatException("The storage connection string has 'AccountKey' but no 'AccountName'.");
            }

            if (!IsBase64(accountKey))
            {
                throw new FormatException("The storage connection string has an 'AccountKey' that is not valid base64.");
            }

            key = new StorageSharedKeyCredential(accountName, accountKey);
        }

        if (key is not null && sas is not null)
        {
            throw new FormatException("The storage connection string has both 'AccountKey' and 'SharedAccessSignature'; give one.");
        }

        if (sas is not null)
        {
            sas = sas.TrimStart('?');
            if (sas.Length == 0 || !sas.Contains("sig=", StringComparison.Ordinal))
            {
                throw new FormatException("The storage connection string has a 'SharedAccessSignature' without a 'sig=' part.");
            }
        }

        var protocol = settings.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto : "https";
        if (!protocol.Equals("https", StringComparison.OrdinalIgnoreCase) && !protocol.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"The storage connection string has 'DefaultEndpointsProtocol={protocol}'; use http or https.");
        }

        var suffix = settings.TryGetValue("EndpointSuffix", out var sfx) ? sfx : "core.windows.net";
        if (suffix.Length == 0 || suffix.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException($"The storage connection string has an invalid 'EndpointSuffix' '{suffix}'.");
        }

        Uri Endpoint(string setting, string service)
        {
            if (settings.TryGetValue(setting, out var explicitEndpoint))
            {
                return ParseUri(setting, explicitEndpoint);
            }

            if (string.IsNullOrEmpty(accountName))
            {
                throw new FormatException($"The storage connection string has neither '{setting}' nor 'AccountName' to derive it from.");
            }

            return new Uri($"{protocol.ToLowerInvariant()}://{accountName}.{service}.{suffix}");
        }

        var blob = Endpoint("BlobEndpoint", "blob");
        var queue = Endpoint("QueueEndpoint", "queue");
        var table = Endpoint("TableEndpoint", "table");
        if (key is null && sas is null)
        {
            throw new FormatException("The storage connection string has no credential: give 'AccountKey' or 'SharedAccessSignature'.");
        }

        return new StorageConnectionString(accountName ?? AccountNameFromEndpoint(blob), key, sas, blob, queue, table);
    }

    /// <summary>The account name from a blob/queue/table endpoint: path-style (Azurite) or host-style (Azure).</summary>
    internal static string? AccountNameFromEndpoint(Uri endpoint)
    {
        var path = endpoint.AbsolutePath.Trim('/');
        if (endpoint.IsLoopback || System.Net.IPAddress.TryParse(endpoint.Host, out _))
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            return path.Length == 0 ? null : slash < 0 ? path : path[..slash];
        }

        var dot = endpoint.Host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? endpoint.Host[..dot] : null;
    }

    private static Uri ParseUri(string setting, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"The storage connection string has an invalid '{setting}' '{value}': it must be an absolute http(s) URL.");
        }

        return uri;
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    private static string Redact(string part) => part.Length > 24 ? part[..24] + "…" : part;
}
