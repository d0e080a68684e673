using EeFunctions.App.Health;
using EeFunctions.App.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EeFunctions.Functions;

/// <summary>
/// The public HTTP routes, at the same URLs as the self-host's (host.json's routePrefix is empty, so <c>api/</c> is
/// spelled out). Earth Engine routes end in a literal after a catch-all (<c>assets/{**path}:getPixels</c>), so each
/// version is one catch-all function that dispatches exactly as the self-host does.
/// </summary>
public sealed class HttpFunctions(EarthEngineRoutes routes, HealthService health, IServiceScopeFactory scopes)
{
    [Function("EarthEngine_v1")]
    public Task V1([HttpTrigger(AuthorizationLevel.Anonymous, Route = "v1/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        routes.DispatchAsync(request.HttpContext, client);

    [Function("EarthEngine_v1beta")]
    public Task V1Beta([HttpTrigger(AuthorizationLevel.Anonymous, Route = "v1beta/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        routes.DispatchAsync(request.HttpContext, client);

    [Function("EarthEngine_v1alpha")]
    public Task V1Alpha([HttpTrigger(AuthorizationLevel.Anonymous, Route = "v1alpha/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        routes.DispatchAsync(request.HttpContext, client);

    [Function("EarthEngine_batch")]
    public Task Batch([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "batch")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        EeBatchApi.HandleAsync(request.HttpContext, routes, client, scopes);

    [Function("EarthEngine_discovery")]
    public static Task Discovery([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "$discovery/rest")] HttpRequest request) =>
        EeDiscoveryApi.ServeAsync(request.HttpContext);

    [Function("Health")]
    public async Task Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request)
    {
        var result = await HealthApi.AnswerAsync(health, request.HttpContext.RequestAborted);
        await result.ExecuteAsync(request.HttpContext);
    }
}
