using EeFunctions.EarthEngine.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace EeFunctions.App.EarthEngine.Batch;

/// <summary>The answer to one inner request: status, response headers, body bytes.</summary>
internal sealed record BatchReply(int Status, IHeaderDictionary Headers, byte[] Body);

/// <summary>
/// Runs an inner batch request in process: a fresh <see cref="HttpContext"/> with the inner method, path, query,
/// headers and body and its own DI scope, answered by <paramref name="dispatch"/> (the Earth Engine routes, the same
/// under both hosts). Only Earth Engine paths (<c>/v1</c>, <c>/v1beta</c>, <c>/v1alpha</c>) are served; their handlers
/// authenticate and authorize every request themselves, so an inner request gets exactly the checks a direct one gets.
/// </summary>
internal sealed class InProcessDispatcher(Func<HttpContext, Task> dispatch, IServiceScopeFactory scopes)
{
    private static readonly string[] s_prefixes = ["/v1/", "/v1beta/", "/v1alpha/"];

    public async Task<BatchReply> SendAsync(HttpContext outer, BatchPart part, CancellationToken cancellationToken)
    {
        var (path, query) = SplitTarget(part.Target);
        if (!s_prefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
        {
            return Error(EeStatusCode.NotFound, $"The requested URL {path} was not found on this server (a batch may only contain Earth Engine API requests).");
        }

        var request = new HttpRequestFeature
        {
            Method = part.Method,
            Scheme = outer.Request.Scheme,
            PathBase = outer.Request.PathBase.Value ?? string.Empty,
            Path = PathString.FromUriComponent(path).Value ?? string.Empty,
            RawTarget = part.Target,
            QueryString = query,
            Protocol = "HTTP/1.1",
            Body = new MemoryStream(part.Body, writable: false),
        };
        foreach (var (name, value) in part.Headers)
        {
            request.Headers.Append(name, value);
        }

        if (!request.Headers.ContainsKey("Authorization") && outer.Request.Headers.Authorization.Count > 0)
        {
            request.Headers.Authorization = outer.Request.Headers.Authorization;
        }

        request.Headers.Host = outer.Request.Host.Value;
        request.Headers.ContentLength = part.Body.Length;
        using var responseBody = new MemoryStream();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = cancellationToken });
        var inner = new DefaultHttpContext(features);
        inner.Connection.RemoteIpAddress = outer.Connection.RemoteIpAddress;
        inner.Connection.RemotePort = outer.Connection.RemotePort;
        inner.Connection.LocalIpAddress = outer.Connection.LocalIpAddress;
        inner.Connection.LocalPort = outer.Connection.LocalPort;

        await using var scope = scopes.CreateAsyncScope();
        inner.RequestServices = scope.ServiceProvider;
        try
        {
            await dispatch(inner);
            await inner.Response.Body.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One failing part must not take the others down: it answers 500 in its own part.
            return Error(EeStatusCode.Internal, "Internal error: " + ex.Message);
        }

        return new BatchReply(inner.Response.StatusCode, inner.Response.Headers, responseBody.ToArray());
    }

    private static (string Path, string Query) SplitTarget(string target)
    {
        if (Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            target = absolute.PathAndQuery;
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? (target, string.Empty) : (target[..question], target[question..]);
    }

    private static BatchReply Error(EeStatusCode code, string message)
    {
        var headers = new HeaderDictionary { ["Content-Type"] = "application/json; charset=UTF-8" };
        return new BatchReply(code.HttpStatus(), headers, System.Text.Encoding.UTF8.GetBytes(ErrorEnvelope.From(code, message).ToJson()));
    }
}
