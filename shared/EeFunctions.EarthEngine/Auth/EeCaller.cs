namespace EeFunctions.EarthEngine.Auth;

/// <summary>An authenticated caller and the permissions its token grants, per project (or <c>*</c> for all).</summary>
public sealed class EeCaller(string subject, IReadOnlyDictionary<string, IReadOnlySet<string>> permissions)
{
    public const string AnyProject = "*";

    /// <summary>The token's <c>sub</c>: who is calling (dedupe of request ids is per caller).</summary>
    public string Subject { get; } = subject;

    public IReadOnlyDictionary<string, IReadOnlySet<string>> Permissions { get; } = permissions;

    public bool Has(string project, string permission) =>
        (Permissions.TryGetValue(project, out var granted) && granted.Contains(permission)) ||
        (Permissions.TryGetValue(AnyProject, out var everywhere) && everywhere.Contains(permission));
}
