using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// Every Import API answer, success or error: the seed's headers (X-token, X-Request-Id, X-Runtime, no caching, the
/// browser hardening set) and errors as <c>{"error": {"code", "message"}}</c>.
/// </summary>
public static partial class ImportApiResponse
{
    /// <summary>Runs <paramref name="handler"/> with the headers set and any <see cref="ImportApiException"/> answered in the API's shape.</summary>
    public static async Task RunAsync(HttpContext http, ILogger logger, Func<Task> handler)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(handler);
        var started = Stopwatch.GetTimestamp();
        var headers = http.Response.Headers;
        headers["X-Request-Id"] = Guid.NewGuid().ToString();
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        headers.Expires = "Fri, 01 Jan 1990 00:00:00 GMT";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers.XXSSProtection = "1; mode=block";
        headers["X-Download-Options"] = "noopen";
        headers["X-Permitted-Cross-Domain-Policies"] = "none";
        headers["Referrer-Policy"] = "origin-when-cross-origin, strict-origin-when-cross-origin";
        http.Response.OnStarting(() =>
        {
            http.Response.Headers["X-Runtime"] = Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });

        try
        {
            await handler();
        }
        catch (ImportApiException ex)
        {
            await WriteAsync(http, ex.Status, ex.ToJson());
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller went away.
        }
#pragma warning disable CA1031 // The API answers every failure in its own shape; the cause is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(logger, http.Request.Path.Value ?? string.Empty, ex);
            await WriteAsync(http, 500, new ImportApiException(500, "internal_error", "The server failed to answer this request.").ToJson());
        }
    }

    /// <summary>Echoes the caller's token as the seed does.</summary>
    public static void EchoToken(HttpContext http, ImportCaller caller)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(caller);
        http.Response.Headers["X-token"] = caller.Token;
    }

    /// <summary>As the seed writes JSON: '+', quotes and non-ASCII letters as they are, not as \u escapes.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteJsonAsync(HttpContext http, JsonNode body, int status = 200) => WriteAsync(http, status, body.ToJsonString(Json));

    private static async Task WriteAsync(HttpContext http, int status, string json)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(json, http.RequestAborted);
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Error, Message = "Import API request {Path} failed")]
    private static partial void LogFailed(ILogger logger, string path, Exception exception);
}
