using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace EeFunctions.App.EarthEngine.Batch;

/// <summary>
/// Writes the <c>multipart/mixed</c> batch reply with CRLF line endings: per part <c>Content-Type: application/http</c>,
/// <c>Content-ID: &lt;response-{id}&gt;</c>, a blank line, then the status line, headers, a blank line and the body.
/// </summary>
internal static class BatchResponseWriter
{
    private static readonly HashSet<string> s_skipped = new(StringComparer.OrdinalIgnoreCase) { "Content-Length", "Transfer-Encoding", "Connection" };

    public static string NewBoundary() => "batch_" + Guid.NewGuid().ToString("N");

    public static async Task WriteAsync(HttpResponse response, string boundary, IReadOnlyList<(BatchPart Part, BatchReply Reply)> replies, CancellationToken cancellationToken)
    {
        response.StatusCode = 200;
        response.ContentType = $"multipart/mixed; boundary={boundary}";
        var body = response.Body;
        foreach (var (part, reply) in replies)
        {
            var head = new StringBuilder();
            head.Append(CultureInfo.InvariantCulture, $"--{boundary}\r\n");
            head.Append("Content-Type: application/http\r\n");
            head.Append(CultureInfo.InvariantCulture, $"Content-ID: <response-{part.ContentId}>\r\n\r\n");
            var reason = ReasonPhrases.GetReasonPhrase(reply.Status);
            head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} {(reason.Length > 0 ? reason : "Status")}\r\n");
            foreach (var (name, values) in reply.Headers)
            {
                if (!s_skipped.Contains(name))
                {
                    foreach (var value in values)
                    {
                        head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
                    }
                }
            }

            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {reply.Body.Length}\r\n\r\n");
            await body.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()), cancellationToken);
            await body.WriteAsync(reply.Body, cancellationToken);
            await body.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        await body.WriteAsync(Encoding.UTF8.GetBytes($"--{boundary}--\r\n"), cancellationToken);
    }
}
