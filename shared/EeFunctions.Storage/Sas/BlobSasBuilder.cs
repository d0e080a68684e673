using System.Globalization;

namespace EeFunctions.Storage.Sas;

/// <summary>
/// Builds a service SAS for one blob (mirrors <c>Azure.Storage.Sas.BlobSasBuilder</c>, trimmed to what we use): signed
/// with the account key, granting <see cref="Permissions"/> on that blob only until <see cref="ExpiresOn"/>.
/// </summary>
public sealed class BlobSasBuilder
{
    /// <summary>The SAS version signed; its string-to-sign has the snapshot-time line and no encryption-scope line.</summary>
    public const string SasVersion = "2019-12-12";

    public required string BlobContainerName { get; init; }

    public required string BlobName { get; init; }

    /// <summary>Permission letters in canonical order (<c>racwd</c>), e.g. <c>r</c>.</summary>
    public required string Permissions { get; init; }

    public DateTimeOffset? StartsOn { get; init; }

    public required DateTimeOffset ExpiresOn { get; init; }

    /// <summary><c>https</c> or <c>https,http</c>.</summary>
    public string Protocol { get; init; } = "https,http";

    /// <summary>Signs the SAS and returns its query string (without a leading <c>?</c>).</summary>
    public string ToSasQueryParameters(StorageSharedKeyCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var start = StartsOn is { } s ? Format(s) : string.Empty;
        var expiry = Format(ExpiresOn);
        var resource = $"/blob/{credential.AccountName}/{BlobContainerName}/{BlobName}";

        // permissions, start, expiry, resource, identifier, IP, protocol, version, resource type, snapshot time,
        // then the five response-header overrides (cache-control, disposition, encoding, language, type).
        var stringToSign = string.Join('\n', Permissions, start, expiry, resource, string.Empty, string.Empty, Protocol, SasVersion, "b", string.Empty,
            string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        var signature = credential.ComputeHmacSha256(stringToSign);
        var query = $"sv={SasVersion}&sr=b&sp={Permissions}";
        if (start.Length > 0)
        {
            query += "&st=" + Uri.EscapeDataString(start);
        }

        return query + $"&se={Uri.EscapeDataString(expiry)}&spr={Uri.EscapeDataString(Protocol)}&sig={Uri.EscapeDataString(signature)}";
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
