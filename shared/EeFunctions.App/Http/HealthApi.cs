using EeFunctions.App.Health;

namespace EeFunctions.App.Http;

/// <summary><c>GET {routePrefix}/health</c>: 200 when every component is healthy, else 503 naming what is not.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app, string routePrefix)
    {
        app.MapGet(routePrefix + "/health", async (HealthService health, CancellationToken cancellationToken) =>
        {
            var report = await health.CheckAsync(cancellationToken);
            return TypedResults.Json(report, statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).WithName("Health");
        return app;
    }
}
