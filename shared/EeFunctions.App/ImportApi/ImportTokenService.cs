using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EeFunctions.App.ImportApi;

/// <summary>Who called the Import API: the API client of the token and the abilities it grants per album.</summary>
public sealed record ImportCaller(string ClientId, string OrganizationId, string Token, IReadOnlyDictionary<string, IReadOnlySet<string>> Abilities)
{
    public const string ImageUpload = "image_upload";
    public const string ImageList = "image_list";

    public bool Can(string albumId, string ability) => Abilities.TryGetValue(albumId, out var granted) && granted.Contains(ability);
}

/// <summary>
/// Validates <c>Authorization: Token token="&lt;JWT&gt;"</c>: an HS256 token whose <c>iss</c> is an API client, signed
/// with that client's secret, with <c>exp</c>, <c>iat</c> and <c>abilities: {album: {"Access": {ability: true}}}</c>.
/// Mints the same tokens for the CLI.
/// </summary>
public sealed class ImportTokenService(ApiClientStore clients, IOptions<ImportApiOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<ImportCaller> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        var token = TokenOf(authorization);
        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            throw ImportApiException.Unauthorized("The token is not a JWT.");
        }

        var client = string.IsNullOrEmpty(jwt.Issuer) ? null : await clients.GetAsync(jwt.Issuer, cancellationToken);
        if (client is null)
        {
            throw ImportApiException.Unauthorized("The token's issuer is not a known API client.");
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = client.Id,
            ValidateAudience = false,
            IssuerSigningKey = Key(client),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = options.Value.ClockSkew,
        });
        if (!result.IsValid)
        {
            throw ImportApiException.Unauthorized(result.Exception switch
            {
                SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException => "The token has expired or has no valid exp.",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
                SecurityTokenInvalidAlgorithmException => "The token must be signed with HS256.",
                _ => "The token is not valid.",
            });
        }

        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _))
        {
            throw ImportApiException.Unauthorized("The token has no iat.");
        }

        return new ImportCaller(client.Id, client.OrganizationId, token, Abilities(jwt));
    }

    /// <summary>A token of <paramref name="client"/> granting <paramref name="abilities"/> on each album.</summary>
    public string Mint(ApiClient client, IReadOnlyDictionary<string, IReadOnlyList<string>> abilities, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(abilities);
        var now = time.GetUtcNow();
        var grants = new JsonObject();
        foreach (var (album, names) in abilities)
        {
            var access = new JsonObject();
            foreach (var name in names)
            {
                access[name] = true;
            }

            grants[album] = new JsonObject { ["Access"] = access };
        }

        var payload = new JsonObject
        {
            ["iss"] = client.Id,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            ["abilities"] = grants,
        };
        return _handler.CreateToken(payload.ToJsonString(), new SigningCredentials(Key(client), SecurityAlgorithms.HmacSha256));
    }

    private static string TokenOf(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            throw ImportApiException.Unauthorized("Missing token: send Authorization: Token token=\"<JWT>\".");
        }

        var value = authorization.Trim();
        const string Scheme = "Token ";
        if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw ImportApiException.Unauthorized("The Authorization header must use the Token scheme: Token token=\"<JWT>\".");
        }

        value = value[Scheme.Length..].Trim();
        if (value.StartsWith("token=", StringComparison.OrdinalIgnoreCase))
        {
            value = value["token=".Length..].Trim();
        }

        value = value.Trim('"');
        return value.Length == 0 ? throw ImportApiException.Unauthorized("Missing token: send Authorization: Token token=\"<JWT>\".") : value;
    }

    private static SymmetricSecurityKey Key(ApiClient client) => new(Encoding.UTF8.GetBytes(client.Secret));

    private static Dictionary<string, IReadOnlySet<string>> Abilities(JsonWebToken jwt)
    {
        var abilities = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        if (!payload.RootElement.TryGetProperty("abilities", out var albums) || albums.ValueKind != JsonValueKind.Object)
        {
            return abilities;
        }

        foreach (var album in albums.EnumerateObject())
        {
            var granted = new HashSet<string>(StringComparer.Ordinal);
            if (album.Value.ValueKind == JsonValueKind.Object && album.Value.TryGetProperty("Access", out var access) && access.ValueKind == JsonValueKind.Object)
            {
                foreach (var ability in access.EnumerateObject().Where(a => a.Value.ValueKind == JsonValueKind.True))
                {
                    granted.Add(ability.Name);
                }
            }

            abilities[album.Name] = granted;
        }

        return abilities;
    }
}
