namespace EeFunctions.App.Health;

/// <summary>The state of one component the service needs.</summary>
public sealed record ComponentHealth(bool Healthy, string Detail, string? Remedy = null);

/// <summary>The answer of <c>GET /api/health</c>: healthy only when every component is.</summary>
public sealed record HealthReport(string Status, IReadOnlyDictionary<string, ComponentHealth> Components)
{
    public bool Healthy => Components.Values.All(c => c.Healthy);
}
