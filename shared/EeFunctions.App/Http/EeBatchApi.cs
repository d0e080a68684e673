using EeFunctions.EarthEngine.Errors;
using EeFunctions.App.EarthEngine.Batch;

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
        app.MapPost("/batch", HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext http, EndpointDataSource endpoints, IServiceScopeFactory scopes)
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

        var dispatcher = new InProcessDispatcher(endpoints, scopes);
        var replies = new List<(BatchPart, BatchReply)>(parts.Count);
        foreach (var part in parts)
        {
            replies.Add((part, await dispatcher.SendAsync(http, part, http.RequestAborted)));
        }

        await BatchResponseWriter.WriteAsync(http.Response, BatchResponseWriter.NewBoundary(), replies, http.RequestAborted);
    }
}
