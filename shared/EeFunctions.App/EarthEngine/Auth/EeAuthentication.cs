using EeFunctions.EarthEngine.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace EeFunctions.App.EarthEngine.Auth;

/// <summary>
/// Earth Engine bearer tokens on ASP.NET Core's own authentication and authorization: the JwtBearer handler validates
/// them (under the scheme <see cref="Scheme"/>, with <see cref="EeTokenService.ValidationParameters"/>), and each EE
/// permission is a policy whose requirement is checked against the route's project. Handlers authenticate by calling
/// the scheme (<see cref="EeAuthenticator"/>), not through middleware, so both hosts run the same code: the self-host
/// and the Functions worker's ASP.NET Core integration alike.
/// </summary>
public static class EeAuthentication
{
    public const string Scheme = "EarthEngineBearer";

    public static IServiceCollection AddEarthEngineAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EeAuthOptions>().Bind(configuration.GetSection(EeAuthOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new EeTokenService(sp.GetRequiredService<IOptions<EeAuthOptions>>().Value));
        services.AddAuthentication().AddJwtBearer(Scheme);
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureEeJwtBearer>();
        services.AddAuthorization(o =>
        {
            foreach (var permission in EePermissions.All)
            {
                o.AddPolicy(permission, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().AddRequirements(new EePermissionRequirement(permission)));
            }
        });
        services.AddSingleton<IAuthorizationHandler, EePermissionHandler>();
        services.AddSingleton<EeAuthenticator>();
        return services;
    }

    private sealed class ConfigureEeJwtBearer(EeTokenService tokens) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name == Scheme)
            {
                Configure(options);
            }
        }

        public void Configure(JwtBearerOptions options)
        {
            options.MapInboundClaims = false;

            // Without a key nothing validates; the authenticator says so before asking the handler.
            options.TokenValidationParameters = tokens.ValidationParameters() ?? new TokenValidationParameters { RequireSignedTokens = true };
        }
    }
}

/// <summary>An EE permission a policy requires on the project it is checked against.</summary>
public sealed record EePermissionRequirement(string Permission) : IAuthorizationRequirement;

/// <summary>Grants <see cref="EePermissionRequirement"/> when the token's <c>ee_permissions</c> hold it for the project (or <c>*</c>).</summary>
public sealed class EePermissionHandler : AuthorizationHandler<EePermissionRequirement, string>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, EePermissionRequirement requirement, string resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (new EeCaller(string.Empty, EeTokenService.ReadPermissions(context.User)).Has(resource, requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
