namespace EeFunctions.EarthEngine.Auth;

/// <summary>An authenticated caller and the permissions its token grants, per project (or <c>*</c> for all).</summary>
public sealed class EeCaller(string subject, IReadOnlyDictionary<string, IReadOnlySet<string>> permissions, System.Security.Claims.ClaimsPrincipal? principal = null)
{
    public const string AnyProject = "*";

    /// <summary>The token's <c>sub</c>: who is calling (dedupe of request ids is per caller).</summary>
    public string Subject { get; } = subject;

    public IReadOnlyDictionary<string, IReadOnlySet<string>> Permissions { get; } = permissions;

    /// <summary>The validated token's principal, for authorization policies.</summary>
    public System.Security.Claims.ClaimsPrincipal Principal { get; } = principal ?? new System.Security.Claims.ClaimsPrincipal();

    public bool Has(string project, string permission) =>
        (Permissions.TryGetValue(project, out var granted) && granted.Contains(permission)) ||
        (Permissions.TryGetValue(AnyProject, out var everywhere) && everywhere.Contains(permission));
}
