using System.Security.Claims;
using System.Text.Json;
using EeFunctions.EarthEngine.Errors;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EeFunctions.EarthEngine.Auth;

/// <summary>
/// Validates <c>Authorization: Bearer &lt;JWT&gt;</c> (HS256, issuer, audience, lifetime) into an <see cref="EeCaller"/>,
/// and mints development tokens with the same key.
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

    /// <summary>Validates an Authorization header value; throws UNAUTHENTICATED with the reason when it is not valid.</summary>
    public async Task<EeCaller> AuthenticateAsync(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            throw Unauthenticated("Request is missing required authentication credential. Expected an OAuth 2 access token (Authorization: Bearer <token>).");
        }

        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthenticated("Request had invalid authentication credentials: the Authorization header must use the Bearer scheme.");
        }

        if (_key is null)
        {
            throw Unauthenticated("Request had invalid authentication credentials: this server has no token signing key configured (EarthEngine:Auth:SigningKey).");
        }

        var result = await _handler.ValidateTokenAsync(authorization[Scheme.Length..].Trim(), new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = _options.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
        });
        if (!result.IsValid)
        {
            throw Unauthenticated("Request had invalid authentication credentials: " + Describe(result.Exception));
        }

        var token = (JsonWebToken)result.SecurityToken;
        var subject = token.Subject;
        if (string.IsNullOrEmpty(subject))
        {
            throw Unauthenticated("Request had invalid authentication credentials: the token has no subject (sub).");
        }

        return new EeCaller(subject, ReadPermissions(token));
    }

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

    private static Dictionary<string, IReadOnlySet<string>> ReadPermissions(JsonWebToken token)
    {
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var payload = Base64UrlEncoder.Decode(token.EncodedPayload);
        using var json = JsonDocument.Parse(payload);
        if (!json.RootElement.TryGetProperty(PermissionsClaim, out var claim) || claim.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var project in claim.EnumerateObject())
        {
            if (project.Value.ValueKind == JsonValueKind.Array)
            {
                result[project.Name] = project.Value.EnumerateArray()
                    .Where(p => p.ValueKind == JsonValueKind.String)
                    .Select(p => p.GetString()!)
                    .ToHashSet(StringComparer.Ordinal);
            }
        }

        return result;
    }

    private static string Describe(Exception? ex) => ex switch
    {
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

    private static EarthEngineException Unauthenticated(string message) => new(EeStatusCode.Unauthenticated, message);
}
