using EeFunctions.EarthEngine.Errors;
using EeFunctions.App.EarthEngine.Discovery;

namespace EeFunctions.App.Http;

/// <summary>
/// <c>GET /$discovery/rest?version=v1|v1beta|v1alpha</c>: the discovery document the Python client downloads at
/// <c>ee.Initialize</c>. Public, like Google's; rooted at the URL the caller used.
/// </summary>
internal static class EeDiscoveryApi
{
    public static IEndpointRouteBuilder MapEeDiscoveryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/$discovery/rest", ServeAsync);
        return app;
    }

    internal static Task ServeAsync(HttpContext http)
    {
        var version = http.Request.Query["version"].FirstOrDefault() is { Length: > 0 } v ? v : "v1";
        if (!DiscoveryDocument.Versions.Contains(version, StringComparer.Ordinal))
        {
            var error = new EarthEngineException(EeStatusCode.NotFound, $"Discovery document not found for API service: earthengine.googleapis.com format: rest version: {version}");
            return EarthEngineApi.WriteAsync(http, error.HttpStatus, error.ToEnvelope().ToJson());
        }

        var request = http.Request;
        var rootUrl = $"{request.Scheme}://{request.Host}{request.PathBase}/";
        return EarthEngineApi.WriteAsync(http, 200, DiscoveryDocument.Build(version, rootUrl).ToJsonString());
    }
}
