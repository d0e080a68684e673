using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EeFunctions.EarthEngine.Auth;

/// <summary>
/// Earth Engine bearer tokens (HS256, issuer, audience, lifetime): what a valid one is, for the JwtBearer handler that
/// validates them, what a validated one grants, and minting development tokens with the same key.
/// </summary>
public sealed class EeTokenService
{
    /// <summary>The claim mapping project ids (or <c>*</c>) to lists of permission names.</summary>
    public const string PermissionsClaim = "ee_permissions";

    private readonly EeAuthOptions _options;
    private readonly SymmetricSecurityKey? _key;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public EeTokenService(EeAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        var bytes = options.SigningKeyBytes();
        _key = bytes is null ? null : new SymmetricSecurityKey(bytes);
    }

    /// <summary>Whether a signing key is configured (without one no token validates and none can be minted).</summary>
    public bool HasKey => _key is not null;

    /// <summary>
    /// What a valid token is (HS256 with the key, issuer, audience, an expiry, the clock skew): the parameters the
    /// JwtBearer handler validates with. Null when no key is configured.
    /// </summary>
    public TokenValidationParameters? ValidationParameters() => _key is null ? null : new TokenValidationParameters
    {
        ValidIssuer = _options.Issuer,
        ValidAudience = _options.Audience,
        IssuerSigningKey = _key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = _options.ClockSkew,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
    };

    /// <summary>Mints an HS256 token granting <paramref name="permissions"/> (project id or <c>*</c> → names).</summary>
    public string Issue(string subject, IReadOnlyDictionary<string, IReadOnlyList<string>> permissions, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return Issue(subject, permissions, now, now + lifetime);
    }

    /// <summary>Mints a token valid from <paramref name="notBefore"/> to <paramref name="expires"/> (UTC).</summary>
    public string Issue(string subject, IReadOnlyDictionary<string, IReadOnlyList<string>> permissions, DateTime notBefore, DateTime expires)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(permissions);
        if (_key is null)
        {
            throw new InvalidOperationException("No signing key is configured (EarthEngine:Auth:SigningKey): cannot mint tokens.");
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject)]),
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Claims = new Dictionary<string, object> { [PermissionsClaim] = permissions.ToDictionary(p => p.Key, p => (object)p.Value.ToArray()) },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The <c>ee_permissions</c> of a validated token's principal: project id (or <c>*</c>) → permission names.</summary>
    public static Dictionary<string, IReadOnlySet<string>> ReadPermissions(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        if (principal.FindFirst(PermissionsClaim)?.Value is not { } value)
        {
            return result;
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(value);
        }
        catch (JsonException)
        {
            return result;
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return result;
            }

            foreach (var project in json.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array))
            {
                result[project.Name] = project.Value.EnumerateArray()
                    .Where(p => p.ValueKind == JsonValueKind.String)
                    .Select(p => p.GetString()!)
                    .ToHashSet(StringComparer.Ordinal);
            }
        }

        return result;
    }

    /// <summary>Why a token did not validate, in the words of the API's UNAUTHENTICATED errors.</summary>
    public static string Describe(Exception? ex) => ex switch
    {
        AggregateException { InnerExceptions.Count: > 0 } all => Describe(all.InnerExceptions[0]),
        SecurityTokenExpiredException => "the token has expired.",
        SecurityTokenNotYetValidException => "the token is not valid yet.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the token's signature does not verify.",
        SecurityTokenInvalidIssuerException => "the token's issuer is not accepted.",
        SecurityTokenInvalidAudienceException => "the token's audience is not this service.",
        SecurityTokenNoExpirationException => "the token has no expiry.",
        SecurityTokenInvalidAlgorithmException => "the token's signing algorithm is not accepted.",
        SecurityTokenMalformedException or ArgumentException => "the token is malformed.",
        null => "the token is not valid.",
        _ => "the token is not valid.",
    };
}
