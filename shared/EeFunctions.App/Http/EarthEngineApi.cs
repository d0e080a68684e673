using System.Text.RegularExpressions;
using EeFunctions.App.EarthEngine.Auth;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Names;
using Microsoft.DurableTask.Client;

namespace EeFunctions.App.Http;

/// <summary>
/// The Earth Engine REST surface at the root, under <c>/v1</c>, <c>/v1beta</c> and <c>/v1alpha</c> alike
/// (ARCHITECTURE §5). One catch-all route dispatches on the path, so unknown paths and methods, auth failures and every
/// error answer in Google's envelope.
/// </summary>
public static class EarthEngineApi
{
    public const long MaxBodyBytes = 10L * 1024 * 1024;

    /// <summary>The API versions served, each at the root.</summary>
    public static readonly IReadOnlyList<string> Versions = ["v1", "v1beta", "v1alpha"];

    public static IEndpointRouteBuilder MapEarthEngineApi(this IEndpointRouteBuilder app)
    {
        foreach (var version in Versions)
        {
            app.Map($"/{version}/{{**path}}", (HttpContext http, EarthEngineRoutes routes, DurableTaskClient durable) => routes.DispatchAsync(http, durable));
            app.Map($"/{version}", (HttpContext http, EarthEngineRoutes routes, DurableTaskClient durable) => routes.DispatchAsync(http, durable));
        }

        return app;
    }

    internal static async Task WriteAsync(HttpContext http, int status, string json)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=UTF-8";
        await http.Response.WriteAsync(json, http.RequestAborted);
    }

    internal static Task WriteJsonAsync<T>(HttpContext http, T value, int status = 200) => WriteAsync(http, status, EeJson.Serialize(value));
}

/// <summary>
/// Dispatches one Earth Engine request to its handler. The handlers take their services by injection; the Durable
/// client comes with the call, because a Functions host binds it per invocation.
/// </summary>
public sealed partial class EarthEngineRoutes
{
    private readonly (Regex Pattern, string Method, Func<EeCall, Task> Handler)[] _routes;
    private readonly EeAuthenticator _auth;
    private readonly ILogger<EarthEngineRoutes> _logger;

    public EarthEngineRoutes(
        EeImageApi image,
        EeExportApi export,
        EeComputeApi compute,
        EeImportExternalApi importExternal,
        EeOperationsApi operations,
        EePixelsApi pixels,
        EeAssetsApi assets,
        EeAuthenticator auth,
        ILogger<EarthEngineRoutes> logger)
    {
        _auth = auth;
        _logger = logger;
        _routes =
        [
            (ImportRoute(), "POST", image.ImportAsync),
            (ImportExternalRoute(), "POST", importExternal.ImportExternalAsync),
            (ExportRoute(), "POST", export.ExportAsync),
            (ComputePixelsRoute(), "POST", compute.ComputePixelsAsync),
            (ThumbnailsRoute(), "POST", compute.CreateThumbnailAsync),
            (ThumbnailPixelsRoute(), "GET", compute.ThumbnailPixelsAsync),
            (OperationsRoute(), "GET", EeOperationsApi.ListAsync),
            (OperationVerbRoute(), "POST", operations.VerbAsync),
            (OperationRoute(), "GET", EeOperationsApi.GetAsync),
            (OperationRoute(), "DELETE", EeOperationsApi.DeleteAsync),
            (AlgorithmsRoute(), "GET", EeAlgorithmsApi.ListAsync),
            (GetPixelsRoute(), "POST", pixels.GetPixelsAsync),
            (AssetRoute(), "GET", assets.GetAsync),
            (AssetRoute(), "DELETE", assets.DeleteAsync),
            (ListAssetsRoute(), "GET", assets.ListAssetsAsync),
        ];
    }

    /// <summary>Answers one request under <c>/{version}</c>; every failure in Google's error envelope.</summary>
    public async Task DispatchAsync(HttpContext http, DurableTaskClient durable)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(durable);
        var logger = _logger;
        try
        {
            var path = http.Request.Path.Value ?? string.Empty;
            var slash = path.IndexOf('/', 1);
            var rest = slash < 0 ? string.Empty : path[(slash + 1)..];
            var (route, handler) = Match(rest, http.Request.Method);
            if (route is null)
            {
                throw new EarthEngineException(EeStatusCode.NotFound, $"The requested URL {path} was not found on this server.");
            }

            if (handler is null)
            {
                await EarthEngineApi.WriteAsync(http, 405, EeJson.Serialize(new ErrorEnvelope
                {
                    Error = new ErrorBody { Code = 405, Message = $"Method {http.Request.Method} is not allowed for {path}.", Status = EeStatusCode.InvalidArgument.StatusName() },
                }));
                return;
            }

            await handler(new EeCall(http, route, durable, _auth));
        }
        catch (EarthEngineException ex)
        {
            await EarthEngineApi.WriteAsync(http, ex.HttpStatus, ex.ToEnvelope().ToJson());
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller went away.
        }
#pragma warning disable CA1031 // Every failure must reach the caller in Google's envelope.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Logs.UnhandledError(logger, http.TraceIdentifier, http.Request.Path, ex);
            // The exception's text stays in the log: it may name storage URLs or internals the caller must not see.
            await EarthEngineApi.WriteAsync(http, 500, ErrorEnvelope.From(EeStatusCode.Internal, $"Internal error; the service log has the details under request id {http.TraceIdentifier}.").ToJson());
        }
    }

    private (Match? Route, Func<EeCall, Task>? Handler) Match(string rest, string method)
    {
        Match? matched = null;
        foreach (var (pattern, verb, handler) in _routes)
        {
            var match = pattern.Match(rest);
            if (!match.Success)
            {
                continue;
            }

            if (string.Equals(verb, method, StringComparison.OrdinalIgnoreCase))
            {
                return (match, handler);
            }

            matched ??= match;
        }

        return (matched, null);
    }

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/image:import$")]
    private static partial Regex ImportRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/image:importExternal$")]
    private static partial Regex ImportExternalRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/image:export$")]
    private static partial Regex ExportRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/image:computePixels$")]
    private static partial Regex ComputePixelsRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)(?:/locations/[^/]+)?/thumbnails$")]
    private static partial Regex ThumbnailsRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)(?:/locations/[^/]+)?/thumbnails/(?<id>[^/:]+):getPixels$")]
    private static partial Regex ThumbnailPixelsRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/operations$")]
    private static partial Regex OperationsRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/operations/(?<id>[^/:]+):(?<verb>cancel|wait)$")]
    private static partial Regex OperationVerbRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/operations/(?<id>[^/:]+)$")]
    private static partial Regex OperationRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/algorithms$")]
    private static partial Regex AlgorithmsRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/assets/(?<path>.+):getPixels$")]
    private static partial Regex GetPixelsRoute();

    [GeneratedRegex(@"^projects/(?<project>[^/]+)/assets/(?<path>[^:]+)$")]
    private static partial Regex AssetRoute();

    // The project root is projects/{p}:listAssets; client helpers also send projects/{p}/assets[/]:listAssets.
    [GeneratedRegex(@"^projects/(?<project>[^/]+)(?:/assets(?:/(?<path>[^:]*))?)?:listAssets$")]
    private static partial Regex ListAssetsRoute();
}

/// <summary>One EE request: the HTTP context, the matched route, and the caller once authorized.</summary>
internal sealed class EeCall(HttpContext http, Match route, DurableTaskClient durable, EeAuthenticator auth)
{
    public HttpContext Http { get; } = http;

    public string Project => Uri.UnescapeDataString(route.Groups["project"].Value);

    public string Group(string name) => Uri.UnescapeDataString(route.Groups[name].Value);

    /// <summary>The Durable Task client of this call's host.</summary>
    public DurableTaskClient Durable { get; } = durable;

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Authenticates (401) and checks <paramref name="permission"/> on the route's project (403).</summary>
    public Task<EeCaller> AuthorizeAsync(string permission) => auth.AuthorizeAsync(Http, Project, permission);
}

internal static partial class Logs
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "Earth Engine request {RequestId} {Path} failed unexpectedly")]
    public static partial void UnhandledError(ILogger logger, string requestId, string path, Exception exception);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Operation {InstanceId}: import of {Asset} started")]
    public static partial void ImportStarted(ILogger logger, string instanceId, string asset);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Operation {InstanceId}: duplicate request id, returning the existing operation")]
    public static partial void ImportDeduplicated(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Operation {InstanceId}: cancel requested")]
    public static partial void CancelRequested(ILogger logger, string instanceId);
}
