using System.Globalization;

namespace EeFunctions.Storage.Sas;

/// <summary>
/// Builds an account SAS (mirrors <c>Azure.Storage.Sas.AccountSasBuilder</c>, trimmed to what we use):
/// signed with the account key, valid for the named services and resource types until <see cref="ExpiresOn"/>.
/// </summary>
public sealed class AccountSasBuilder
{
    /// <summary>The SAS version signed; its string-to-sign has no encryption-scope line.</summary>
    public const string SasVersion = "2019-12-12";

    /// <summary>Permission letters in canonical order, e.g. <c>rwdlacup</c>.</summary>
    public required string Permissions { get; init; }

    /// <summary>Service letters: <c>b</c> blob, <c>q</c> queue, <c>t</c> table (any combination).</summary>
    public string Services { get; init; } = "bqt";

    /// <summary>Resource type letters: <c>s</c> service, <c>c</c> container, <c>o</c> object.</summary>
    public string ResourceTypes { get; init; } = "sco";

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
        var stringToSign = string.Join('\n', credential.AccountName, Permissions, Services, ResourceTypes, start, expiry, string.Empty, Protocol, SasVersion) + "\n";
        var signature = credential.ComputeHmacSha256(stringToSign);
        var query = $"sv={SasVersion}&ss={Services}&srt={ResourceTypes}&sp={Permissions}";
        if (start.Length > 0)
        {
            query += "&st=" + Uri.EscapeDataString(start);
        }

        return query + $"&se={Uri.EscapeDataString(expiry)}&spr={Uri.EscapeDataString(Protocol)}&sig={Uri.EscapeDataString(signature)}";
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
