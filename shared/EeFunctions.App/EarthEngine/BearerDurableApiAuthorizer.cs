using EeFunctions.App.EarthEngine.Auth;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Names;
using EeFunctions.App.Durable;

namespace EeFunctions.App.EarthEngine;

/// <summary>
/// Who may call the Durable HTTP API (ARCHITECTURE §5): the system key opens everything; an EE bearer token with
/// <c>earthengine.operations.get</c> on project P may read P's instances (ids <c>ee-P-...</c>), and with
/// <c>earthengine.operations.update</c> terminate them. Nothing else is opened by a token.
/// </summary>
public sealed class BearerDurableApiAuthorizer(SystemKeyAuthorizer systemKey, EeAuthenticator auth) : IDurableApiAuthorizer
{
    public async ValueTask<int?> AuthorizeAsync(HttpContext context, DurableApiOperation operation, string? instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (systemKey.HasSystemKey(context.Request))
        {
            return null;
        }

        var authorization = context.Request.Headers.Authorization.FirstOrDefault();
        if (string.IsNullOrEmpty(authorization))
        {
            return StatusCodes.Status401Unauthorized;
        }

        EeCaller caller;
        try
        {
            caller = await auth.AuthenticateAsync(context);
        }
        catch (EarthEngineException)
        {
            return StatusCodes.Status401Unauthorized;
        }

        var permission = operation switch
        {
            DurableApiOperation.Read => EePermissions.OperationsGet,
            DurableApiOperation.Terminate => EePermissions.OperationsUpdate,
            _ => null,
        };
        var project = EeNames.ParseInstanceId(instanceId)?.Project;
        return permission is not null && project is not null && await auth.IsAllowedAsync(caller, project, permission) ? null : StatusCodes.Status403Forbidden;
    }
}
