using EeFunctions.App.Health;

namespace EeFunctions.App.Http;

/// <summary><c>GET {routePrefix}/health</c>: 200 when every component is healthy, else 503 naming what is not.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app, string routePrefix)
    {
        app.MapGet(routePrefix + "/health", (HealthService health, CancellationToken cancellationToken) => AnswerAsync(health, cancellationToken)).WithName("Health");
        return app;
    }

    /// <summary>The health report as JSON: 200 when every component is healthy, else 503.</summary>
    public static async Task<IResult> AnswerAsync(HealthService health, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(health);
        var report = await health.CheckAsync(cancellationToken);
        return TypedResults.Json(report, statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
