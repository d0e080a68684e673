using EeFunctions.EarthEngine.Errors;
using EeFunctions.App.EarthEngine.Batch;
using Microsoft.DurableTask.Client;

namespace EeFunctions.App.Http;

/// <summary>
/// <c>POST /batch</c>: Google's HTTP batch (reference §2.6), used by the JS client to read or cancel several
/// operations at once. Each part is answered in order, in process, with the same auth checks as a direct call; a
/// failing part answers its own status inside a 200 batch; a malformed batch is a 400 in Google's envelope.
/// </summary>
internal static class EeBatchApi
{
    public static IEndpointRouteBuilder MapEeBatchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/batch", (HttpContext http, EarthEngineRoutes routes, DurableTaskClient durable, IServiceScopeFactory scopes) => HandleAsync(http, routes, durable, scopes));
        return app;
    }

    /// <summary>Answers a <c>multipart/mixed</c> batch of Earth Engine requests, each part dispatched as a direct call would be.</summary>
    internal static async Task HandleAsync(HttpContext http, EarthEngineRoutes routes, DurableTaskClient durable, IServiceScopeFactory scopes)
    {
        IReadOnlyList<BatchPart> parts;
        try
        {
            parts = await BatchRequestReader.ReadAsync(http.Request, EarthEngineApi.MaxBodyBytes, http.RequestAborted);
        }
        catch (EarthEngineException ex)
        {
            await EarthEngineApi.WriteAsync(http, ex.HttpStatus, ex.ToEnvelope().ToJson());
            return;
        }

        var dispatcher = new InProcessDispatcher(inner => routes.DispatchAsync(inner, durable), scopes);
        var replies = new List<(BatchPart, BatchReply)>(parts.Count);
        foreach (var part in parts)
        {
            replies.Add((part, await dispatcher.SendAsync(http, part, http.RequestAborted)));
        }

        await BatchResponseWriter.WriteAsync(http.Response, BatchResponseWriter.NewBoundary(), replies, http.RequestAborted);
    }
}
