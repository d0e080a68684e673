using System.Text.Json;
using System.Xml;
using Azure;
using Azure.Core;

namespace EeFunctions.Storage;

/// <summary>
/// Reads the storage services' error bodies (XML for blob and queue, OData JSON for table) so that
/// <see cref="RequestFailedException"/> carries the service's code and message, as the official SDK does.
/// The <c>x-ms-error-code</c> header wins when present.
/// </summary>
internal sealed class StorageErrorParser : RequestFailedDetailsParser
{
    public static StorageErrorParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        response.Headers.TryGetValue("x-ms-error-code", out var headerCode);
        string? code = null;
        string? message = null;
        try
        {
            var content = response.Content;
            var text = content.ToMemory().Length > 0 ? content.ToString() : string.Empty;
            if (text.StartsWith('<') || text.StartsWith("\uFEFF<", StringComparison.Ordinal))
            {
                var doc = new XmlDocument { XmlResolver = null };
                using var reader = XmlReader.Create(new StringReader(text.TrimStart('\uFEFF')), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
                doc.Load(reader);
                code = doc.SelectSingleNode("/Error/Code")?.InnerText;
                message = doc.SelectSingleNode("/Error/Message")?.InnerText;
                var detail = doc.SelectSingleNode("/Error/QueryParameterName")?.InnerText ?? doc.SelectSingleNode("/Error/HeaderName")?.InnerText;
                if (detail is not null)
                {
                    data = new Dictionary<string, string> { ["Detail"] = detail };
                }
            }
            else if (text.StartsWith('{'))
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.TryGetProperty("odata.error", out var odata))
                {
                    code = odata.TryGetProperty("code", out var c) ? c.GetString() : null;
                    message = odata.TryGetProperty("message", out var m) ? m.TryGetProperty("value", out var v) ? v.GetString() : m.ToString() : null;
                }
            }
        }
        catch (Exception ex) when (ex is XmlException or JsonException or InvalidOperationException)
        {
            // Not a body we understand: fall back to the header and status line.
        }

        code = headerCode ?? code;
        if (code is null && message is null)
        {
            error = null;
            return false;
        }

        error = new ResponseError(code, message?.Split('\n')[0].Trim() ?? response.ReasonPhrase);
        return true;
    }
}
