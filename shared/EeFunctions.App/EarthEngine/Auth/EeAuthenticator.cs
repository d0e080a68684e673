using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Names;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace EeFunctions.App.EarthEngine.Auth;

/// <summary>
/// Authenticates an EE request through the <see cref="EeAuthentication.Scheme"/> JwtBearer handler (401 in Google's
/// words when it fails) and authorizes a permission on a project through its policy (403).
/// </summary>
public sealed class EeAuthenticator(EeTokenService tokens, IAuthorizationService authorization)
{
    public async Task<EeCaller> AuthenticateAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var header = http.Request.Headers.Authorization.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw Unauthenticated("Request is missing required authentication credential. Expected an OAuth 2 access token (Authorization: Bearer <token>).");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthenticated("Request had invalid authentication credentials: the Authorization header must use the Bearer scheme.");
        }

        if (!tokens.HasKey)
        {
            throw Unauthenticated("Request had invalid authentication credentials: this server has no token signing key configured (EarthEngine:Auth:SigningKey).");
        }

        var result = await http.AuthenticateAsync(EeAuthentication.Scheme);
        if (!result.Succeeded || result.Principal is null)
        {
            throw Unauthenticated("Request had invalid authentication credentials: " + EeTokenService.Describe(result.Failure));
        }

        var subject = result.Principal.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            throw Unauthenticated("Request had invalid authentication credentials: the token has no subject (sub).");
        }

        return new EeCaller(subject, EeTokenService.ReadPermissions(result.Principal), result.Principal);
    }

    /// <summary>Whether <paramref name="caller"/> holds <paramref name="permission"/> on <paramref name="project"/>, by its policy.</summary>
    public async Task<bool> IsAllowedAsync(EeCaller caller, string project, string permission)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return EeNames.IsProjectId(project) && (await authorization.AuthorizeAsync(caller.Principal, project, permission)).Succeeded;
    }

    /// <summary>Authenticates (401) and checks <paramref name="permission"/> on <paramref name="project"/> (403).</summary>
    public async Task<EeCaller> AuthorizeAsync(HttpContext http, string project, string permission)
    {
        var caller = await AuthenticateAsync(http);
        if (!await IsAllowedAsync(caller, project, permission))
        {
            throw new EarthEngineException(EeStatusCode.PermissionDenied, $"Permission '{permission}' denied on resource 'projects/{project}' (or it may not exist).");
        }

        return caller;
    }

    private static EarthEngineException Unauthenticated(string message) => new(EeStatusCode.Unauthenticated, message);
}
