using System.ComponentModel.DataAnnotations;

namespace EeFunctions.App.ImportApi;

/// <summary>Where the Import API keeps its clients, imports and images, and the limits of one photo import.</summary>
public sealed class ImportApiOptions : IValidatableObject
{
    public const string SectionName = "ImportApi";

    /// <summary>The table of API clients (id, secret, organization).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string ClientsTable { get; set; } = "importapiclients";

    /// <summary>The table of import records (and their idempotency keys).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string ImportsTable { get; set; } = "importapiimports";

    /// <summary>The table of image records and each album's index of them.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string ImagesTable { get; set; } = "importapiimages";

    /// <summary>The container of originals and thumbnails, under <c>{image id}/</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")]
    public string ImagesContainer { get; set; } = "importapi-images";

    /// <summary>Largest photo (bytes) an import downloads (default 50 MiB).</summary>
    [Range(1L, long.MaxValue)]
    public long MaxSourceBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>How long one download may take (default 60 s).</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest photo in pixels, checked from its header before it is decoded (default 100 megapixels).</summary>
    [Range(1L, 1_000_000_000L)]
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>Most frames an animated GIF may have (and never more than the pixel limit holds in all); default 500.</summary>
    [Range(1, 100_000)]
    public int MaxFrames { get; set; } = 500;

    /// <summary>Allow sources on loopback, private and link-local addresses (tests, private networks); default false.</summary>
    public bool AllowPrivateNetworkSources { get; set; }

    /// <summary>
    /// The AES key (base64, 32 bytes) that seals the <c>headers[...]</c> of a request, which may be credentials, while the
    /// import carries them to its download. Every host of one deployment shares it. Without it, a request with
    /// headers is refused and every other request works.
    /// </summary>
    public string HeaderKey { get; set; } = string.Empty;

    /// <summary>How far token times may drift from this server's clock.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The dev API client <c>make import-token</c> creates and signs with.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string DevClientId { get; set; } = "dev";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(HeaderKey) && HeaderKeyBytes() is null)
        {
            yield return new ValidationResult($"{SectionName}:HeaderKey must be 32 bytes in base64 (for example: openssl rand -base64 32).", [nameof(HeaderKey)]);
        }

        if (DownloadTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{SectionName}:DownloadTimeout must be positive.", [nameof(DownloadTimeout)]);
        }
    }

    internal byte[]? HeaderKeyBytes()
    {
        var bytes = new byte[32];
        return Convert.TryFromBase64String(HeaderKey ?? string.Empty, bytes, out var written) && written == 32 ? bytes : null;
    }
}
