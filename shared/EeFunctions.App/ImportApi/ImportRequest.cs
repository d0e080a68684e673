using System.Text.Json;
using System.Text.Json.Nodes;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// A <c>POST /api/v1/imports</c> body, form-urlencoded (<c>metadata[a][b]=c</c> as Rails nests it) or JSON, read into one
/// tree. <c>metadatas</c> is read as <c>metadata</c>.
/// </summary>
public sealed class ImportRequest
{
    public const long MaxBodyBytes = 1024 * 1024;
    private static readonly string[] s_forbiddenHeaders = ["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "expect"];

    private ImportRequest(JsonObject fields) => Fields = fields;

    /// <summary>Every field as sent (headers' values included: never store or echo this as it is).</summary>
    public JsonObject Fields { get; }

    public string? AlbumId => Text("album_id");

    public string? Url => Text("url");

    public string? Filename => Text("filename");

    public string? ImportType => Text("import_type");

    public bool HasAttachmentId => Fields.ContainsKey("attachment_id");

    public JsonObject Metadata => Fields["metadata"] as JsonObject ?? [];

    public static async Task<ImportRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            throw ImportApiException.Unprocessable("invalid_body", $"The request body is larger than {MaxBodyBytes} bytes.");
        }

        var fields = new JsonObject();
        var type = request.ContentType ?? string.Empty;
        if (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                throw ImportApiException.Unprocessable("invalid_body", $"The body is not valid JSON: {ex.Message}");
            }

            fields = body as JsonObject ?? throw ImportApiException.Unprocessable("invalid_body", "The JSON body must be an object.");
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            foreach (var (key, values) in form)
            {
                foreach (var value in values)
                {
                    Put(fields, key, value ?? string.Empty);
                }
            }
        }
        else if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            throw ImportApiException.Unprocessable("invalid_body", "Send the import as application/x-www-form-urlencoded or application/json.");
        }

        if (fields["metadatas"] is { } plural && !fields.ContainsKey("metadata"))
        {
            fields.Remove("metadatas");
            fields["metadata"] = plural;
        }

        if (fields["metadata"] is { } metadata && metadata is not JsonObject)
        {
            throw ImportApiException.Unprocessable("invalid_parameter", "metadata must be a set of key/value pairs (metadata[key]=value).");
        }

        return new ImportRequest(fields);
    }

    /// <summary>The <c>headers[Name]=value</c> to send with the download; 422 for one that cannot be sent.</summary>
    public IReadOnlyDictionary<string, string> DownloadHeaders()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Fields["headers"] is null)
        {
            return headers;
        }

        if (Fields["headers"] is not JsonObject given)
        {
            throw ImportApiException.Unprocessable("invalid_parameter", "headers must be a set of header names and values (headers[Name]=value).");
        }

        foreach (var (name, value) in given)
        {
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)) || s_forbiddenHeaders.Contains(name.ToLowerInvariant()))
            {
                throw ImportApiException.Unprocessable("invalid_parameter", $"headers[{name}] cannot be sent with the download.");
            }

            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? string.Empty;
            if (text.Any(c => c is '\r' or '\n' or '\0'))
            {
                throw ImportApiException.Unprocessable("invalid_parameter", $"headers[{name}] has a line break in its value.");
            }

            headers[name] = text;
        }

        return headers;
    }

    /// <summary>The request as the import's <c>params</c> echo it: the download headers' values redacted, then controller and action.</summary>
    public JsonObject EchoParams()
    {
        var echo = (JsonObject)Fields.DeepClone();
        if (echo["headers"] is JsonObject headers)
        {
            foreach (var name in headers.Select(h => h.Key).ToList())
            {
                headers[name] = "[FILTERED]";
            }
        }

        echo["controller"] = "api/v1/imports";
        echo["action"] = "create";
        return echo;
    }

    private string? Text(string name) => Fields[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        null => null,
        var other => other.ToJsonString(),
    };

    /// <summary>Puts <c>a[b][c]=v</c> at <c>fields.a.b.c</c> (<c>a[]=v</c> appends to a list), as Rack nests form keys.</summary>
    private static void Put(JsonObject fields, string key, string value)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        var path = new List<string> { open < 0 ? key : key[..open] };
        while (open >= 0)
        {
            var close = key.IndexOf(']', open);
            if (close < 0)
            {
                throw ImportApiException.Unprocessable("invalid_parameter", $"'{key}' is not a valid field name.");
            }

            path.Add(key[(open + 1)..close]);
            open = close + 1 < key.Length && key[close + 1] == '[' ? close + 1 : -1;
        }

        JsonNode node = fields;
        for (var i = 0; i < path.Count; i++)
        {
            var last = i == path.Count - 1;
            var name = path[i];
            if (node is JsonArray list)
            {
                if (!last)
                {
                    throw ImportApiException.Unprocessable("invalid_parameter", $"'{key}' nests under a list.");
                }

                list.Add(value);
                return;
            }

            var parent = (JsonObject)node;
            var wantsList = !last && path[i + 1].Length == 0;
            if (last)
            {
                parent[name] = value;
                return;
            }

            var child = parent[name];
            if (child is null || (wantsList ? child is not JsonArray : child is not JsonObject))
            {
                child = wantsList ? new JsonArray() : new JsonObject();
                parent[name] = child;
            }

            node = child;
        }
    }
}
