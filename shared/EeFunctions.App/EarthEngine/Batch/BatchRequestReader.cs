using System.Text;
using EeFunctions.EarthEngine.Errors;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace EeFunctions.App.EarthEngine.Batch;

/// <summary>One inner request of a batch: its Content-ID (without angle brackets), request line, headers, body.</summary>
internal sealed record BatchPart(string ContentId, string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>
/// Reads a <c>multipart/mixed</c> batch body (reference §2.6): each part is <c>Content-Type: application/http</c>
/// wrapping one HTTP request. Anything malformed, too many parts or too many bytes is INVALID_ARGUMENT.
/// </summary>
internal static class BatchRequestReader
{
    public const int MaxParts = 100;

    public static async Task<IReadOnlyList<BatchPart>> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/mixed", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            throw Invalid("A batch request must be multipart/mixed with a boundary.");
        }

        if (request.ContentLength > maxBytes)
        {
            throw Invalid($"Request payload size exceeds the limit: {maxBytes} bytes.");
        }

        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = maxBytes, HeadersCountLimit = 32, HeadersLengthLimit = 16 * 1024 };
        var parts = new List<BatchPart>();
        long total = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (parts.Count == MaxParts)
                {
                    throw Invalid($"A batch request may contain at most {MaxParts} parts.");
                }

                if (section.ContentType is not { } type || !type.StartsWith("application/http", StringComparison.OrdinalIgnoreCase))
                {
                    throw Invalid($"Batch part {parts.Count + 1} must have Content-Type application/http.");
                }

                using var buffer = new MemoryStream();
                await section.Body.CopyToAsync(buffer, cancellationToken);
                total += buffer.Length;
                if (total > maxBytes)
                {
                    throw Invalid($"Request payload size exceeds the limit: {maxBytes} bytes.");
                }

                var id = section.Headers?.TryGetValue("Content-ID", out var value) == true ? value.ToString().Trim().TrimStart('<').TrimEnd('>') : string.Empty;
                parts.Add(ParseHttp(id.Length > 0 ? id : (parts.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), buffer.ToArray(), parts.Count + 1));
            }
        }
        catch (IOException ex)
        {
            throw Invalid("Malformed multipart batch body: " + ex.Message);
        }
        catch (InvalidDataException ex)
        {
            throw Invalid("Malformed multipart batch body: " + ex.Message);
        }

        if (parts.Count == 0)
        {
            throw Invalid("A batch request must contain at least one part.");
        }

        return parts;
    }

    /// <summary>Parses <c>METHOD target HTTP/1.1</c>, header lines, a blank line and the body (CRLF or LF).</summary>
    private static BatchPart ParseHttp(string contentId, byte[] message, int index)
    {
        var (head, bodyStart) = SplitHead(message);
        var lines = Encoding.UTF8.GetString(message, 0, head).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var first = 0;
        while (first < lines.Length && lines[first].Length == 0)
        {
            first++;
        }

        var requestLine = first < lines.Length ? lines[first].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        if (requestLine.Length is < 2 or > 3 || !requestLine[0].All(char.IsAsciiLetterUpper))
        {
            throw Invalid($"Batch part {index} does not start with an HTTP request line such as 'GET /v1/projects/p/operations/x HTTP/1.1'.");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(first + 1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Invalid($"Batch part {index} has a malformed header line.");
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        var body = bodyStart < message.Length ? message[bodyStart..] : [];
        return new BatchPart(contentId, requestLine[0], requestLine[1], headers, TrimTrailingNewline(body));
    }

    private static (int HeadLength, int BodyStart) SplitHead(byte[] message)
    {
        var crlf = message.AsSpan().IndexOf("\r\n\r\n"u8);
        var lf = message.AsSpan().IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf <= lf))
        {
            return (crlf, crlf + 4);
        }

        return lf >= 0 ? (lf, lf + 2) : (message.Length, message.Length);
    }

    private static byte[] TrimTrailingNewline(byte[] body)
    {
        var end = body.Length;
        while (end > 0 && body[end - 1] is (byte)'\r' or (byte)'\n')
        {
            end--;
        }

        return end == body.Length ? body : body[..end];
    }

    private static EarthEngineException Invalid(string message) => new(EeStatusCode.InvalidArgument, message);
}
