using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace EeFunctions.Storage;

/// <summary>
/// Signs blob and queue requests with Shared Key (the version 2009-09-19+ string-to-sign), and table requests
/// with the table service's own Shared Key string-to-sign. Runs per retry so each attempt gets a fresh date.
/// </summary>
internal sealed class SharedKeyPolicy(StorageSharedKeyCredential credential, bool tableService) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        request.Headers.SetValue("x-ms-date", date);
        var stringToSign = tableService ? TableStringToSign(request, date) : BlobQueueStringToSign(request);
        var signature = credential.ComputeHmacSha256(stringToSign);
        request.Headers.SetValue("Authorization", $"SharedKey {credential.AccountName}:{signature}");
    }

    internal string BlobQueueStringToSign(Request request)
    {
        var contentLength = request.Content is null ? null : request.Headers.TryGetValue("Content-Length", out var len) ? len : ContentLength(request);
        if (contentLength == "0")
        {
            contentLength = string.Empty;
        }

        var sb = new StringBuilder(256);
        sb.Append(request.Method.Method).Append('\n');
        sb.Append(Header(request, "Content-Encoding")).Append('\n');
        sb.Append(Header(request, "Content-Language")).Append('\n');
        sb.Append(contentLength).Append('\n');
        sb.Append(Header(request, "Content-MD5")).Append('\n');
        sb.Append(Header(request, "Content-Type")).Append('\n');
        sb.Append('\n'); // Date: x-ms-date is used instead.
        sb.Append(Header(request, "If-Modified-Since")).Append('\n');
        sb.Append(Header(request, "If-Match")).Append('\n');
        sb.Append(Header(request, "If-None-Match")).Append('\n');
        sb.Append(Header(request, "If-Unmodified-Since")).Append('\n');
        sb.Append(Header(request, "Range")).Append('\n');

        var msHeaders = request.Headers
            .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Name.ToLowerInvariant(), h.Value))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in msHeaders)
        {
            sb.Append(name).Append(':').Append(value.Trim()).Append('\n');
        }

        var uri = request.Uri.ToUri();
        sb.Append('/').Append(credential.AccountName).Append(uri.AbsolutePath);
        var query = ParseQuery(uri.Query);
        foreach (var (name, values) in query.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            sb.Append('\n').Append(name).Append(':').Append(string.Join(',', values.Order(StringComparer.Ordinal)));
        }

        return sb.ToString();
    }

    internal string TableStringToSign(Request request, string date)
    {
        var uri = request.Uri.ToUri();
        var resource = new StringBuilder().Append('/').Append(credential.AccountName).Append(uri.AbsolutePath);
        var query = ParseQuery(uri.Query);
        if (query.TryGetValue("comp", out var comp))
        {
            resource.Append("?comp=").Append(comp[0]);
        }

        return string.Join('\n', request.Method.Method, Header(request, "Content-MD5"), Header(request, "Content-Type"), date, resource.ToString());
    }

    private static string? ContentLength(Request request) =>
        request.Content is not null && request.Content.TryComputeLength(out var length) ? length.ToString(CultureInfo.InvariantCulture) : null;

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : string.Empty;

    private static Dictionary<string, List<string>> ParseQuery(string query)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!result.TryGetValue(name, out var list))
            {
                result[name] = list = [];
            }

            list.Add(value);
        }

        return result;
    }
}
