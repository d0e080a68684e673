using System.ComponentModel.DataAnnotations;
using System.Text;

namespace EeFunctions.EarthEngine.Auth;

/// <summary>How Earth Engine bearer tokens are validated (and, for local runs, minted).</summary>
public sealed class EeAuthOptions : IValidatableObject
{
    public const string SectionName = "EarthEngine:Auth";

    /// <summary>The expected <c>iss</c>.</summary>
    [Required]
    public string Issuer { get; set; } = "eefunctions-dev";

    /// <summary>The expected <c>aud</c>.</summary>
    [Required]
    public string Audience { get; set; } = "eefunctions";

    /// <summary>The HS256 key, base64 (at least 32 bytes once decoded).</summary>
    public string? SigningKey { get; set; }

    /// <summary>Tolerated clock difference when checking <c>exp</c>/<c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The signing key's bytes, or null when none is configured.</summary>
    public byte[]? SigningKeyBytes()
    {
        if (string.IsNullOrEmpty(SigningKey))
        {
            return null;
        }

        var buffer = new byte[SigningKey.Length];
        return Convert.TryFromBase64String(SigningKey, buffer, out var written) ? buffer[..written] : Encoding.UTF8.GetBytes(SigningKey);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var key = SigningKeyBytes();
        if (key is not null && key.Length < 32)
        {
            yield return new ValidationResult("EarthEngine:Auth:SigningKey must be at least 32 bytes (HS256).", [nameof(SigningKey)]);
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("EarthEngine:Auth:ClockSkew must be between 0 and 10 minutes.", [nameof(ClockSkew)]);
        }
    }
}
