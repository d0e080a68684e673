using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;

namespace EeFunctions.Storage.Tables;

public partial class TableClient
{
    /// <summary>The service's cap on operations in one entity-group transaction.</summary>
    public const int MaxTransactionActions = 100;

    /// <summary>
    /// Submits an entity-group transaction: up to 100 actions on entities of one partition, applied atomically.
    /// On failure nothing is applied and <see cref="TableTransactionFailedException"/> names the failing action's
    /// index. On success the value holds one response per action, in order (with each write's new ETag).
    /// </summary>
    public virtual async Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionActions);
        var actions = transactionActions.ToList();
        if (actions.Count == 0)
        {
            throw new ArgumentException("A transaction needs at least one action.", nameof(transactionActions));
        }

        var partitionKey = actions[0].Entity.PartitionKey;
        for (var i = 1; i < actions.Count; i++)
        {
            if (!string.Equals(actions[i].Entity.PartitionKey, partitionKey, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"All actions of a transaction must share one PartitionKey: action {i} has '{actions[i].Entity.PartitionKey}', action 0 has '{partitionKey}'.",
                    nameof(transactionActions));
            }
        }

        var batchBoundary = "batch_" + Guid.NewGuid().ToString("D");
        var body = BuildBatchBody(actions, batchBoundary);
        using var message = CreateTableRequest(_context, RequestMethod.Post, "$batch");
        message.Request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + batchBoundary);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body));

        var response = await SendNoThrowAsync(message, cancellationToken);
        if (response.Status >= 400)
        {
            throw new TableTransactionFailedException(response, null, null);
        }

        var results = ParseBatchResponse(response);
        var failure = results.FirstOrDefault(r => r.Status >= 400);
        if (failure is not null)
        {
            var index = FailedIndex(failure, results, actions.Count);
            throw new TableTransactionFailedException(failure, index, index is { } k && k < actions.Count ? actions[k] : null);
        }

        return Response.FromValue<IReadOnlyList<Response>>(results, response);
    }

    private string BuildBatchBody(List<TableTransactionAction> actions, string batchBoundary)
    {
        var changeset = "changeset_" + Guid.NewGuid().ToString("D");
        var sb = new StringBuilder(256 * actions.Count);
        sb.Append("--").Append(batchBoundary).Append("\r\n");
        sb.Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            var entity = action.Entity;
            var (method, path, ifMatch, hasBody) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", _escapedName, null, true),
                TableTransactionActionType.UpdateMerge => ("MERGE", TableUri.EntityPath(_escapedName, entity.PartitionKey, entity.RowKey), IfMatch(action.ETag), true),
                TableTransactionActionType.UpdateReplace => ("PUT", TableUri.EntityPath(_escapedName, entity.PartitionKey, entity.RowKey), IfMatch(action.ETag), true),
                TableTransactionActionType.Delete => ("DELETE", TableUri.EntityPath(_escapedName, entity.PartitionKey, entity.RowKey), IfMatch(action.ETag), false),
                TableTransactionActionType.UpsertMerge => ("MERGE", TableUri.EntityPath(_escapedName, entity.PartitionKey, entity.RowKey), (string?)null, true),
                TableTransactionActionType.UpsertReplace => ("PUT", TableUri.EntityPath(_escapedName, entity.PartitionKey, entity.RowKey), (string?)null, true),
                _ => throw new ArgumentOutOfRangeException(nameof(actions), action.ActionType, $"Action {i} has an unknown type."),
            };

            sb.Append("--").Append(changeset).Append("\r\n");
            sb.Append("Content-Type: application/http\r\n");
            sb.Append("Content-Transfer-Encoding: binary\r\n\r\n");
            sb.Append(method).Append(' ').Append(_context.BuildUri(path).AbsoluteUri).Append(" HTTP/1.1\r\n");
            sb.Append("Content-ID: ").Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            sb.Append("Accept: ").Append(JsonMinimalMetadata).Append("\r\n");
            sb.Append("DataServiceVersion: 3.0\r\n");
            if (ifMatch is not null)
            {
                sb.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            }

            if (hasBody)
            {
                if (action.ActionType == TableTransactionActionType.Add)
                {
                    sb.Append("Prefer: return-no-content\r\n");
                }

                sb.Append("Content-Type: application/json\r\n\r\n");
                sb.Append(Encoding.UTF8.GetString(TableEntitySerializer.Serialize(entity))).Append("\r\n");
            }
            else
            {
                sb.Append("\r\n");
            }
        }

        sb.Append("--").Append(changeset).Append("--\r\n");
        sb.Append("--").Append(batchBoundary).Append("--\r\n");
        return sb.ToString();
    }

    private static string IfMatch(ETag etag) => etag == default ? "*" : etag.ToString();

    /// <summary>Reads the HTTP responses embedded in a multipart/mixed batch response, in order.</summary>
    private static List<TableSubResponse> ParseBatchResponse(Response response)
    {
        var results = new List<TableSubResponse>();
        using var reader = new StringReader(response.Content.ToString());
        while (reader.ReadLine() is { } line)
        {
            if (!line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
            {
                continue;
            }

            var statusLine = line.Split(' ', 3);
            var status = int.Parse(statusLine[1], CultureInfo.InvariantCulture);
            var reason = statusLine.Length > 2 ? statusLine[2] : string.Empty;
            var headers = new List<HttpHeader>();
            while (reader.ReadLine() is { Length: > 0 } headerLine)
            {
                var colon = headerLine.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    headers.Add(new HttpHeader(headerLine[..colon].Trim(), headerLine[(colon + 1)..].Trim()));
                }
            }

            var body = new StringBuilder();
            while (reader.Peek() >= 0 && reader.Peek() != '-' && reader.ReadLine() is { } bodyLine)
            {
                body.Append(bodyLine).Append('\n');
            }

            results.Add(new TableSubResponse(status, reason, headers, Encoding.UTF8.GetBytes(body.ToString().TrimEnd()), response.ClientRequestId));
        }

        return results;
    }

    /// <summary>
    /// The failing action's 0-based index: the service prefixes the error message with it ("3:The specified entity...");
    /// else the 1-based Content-ID of the failed part; else, when every action has a response, the failure's position.
    /// </summary>
    private static int? FailedIndex(TableSubResponse failure, List<TableSubResponse> results, int actionCount)
    {
        try
        {
            using var json = JsonDocument.Parse(failure.Content.ToMemory());
            if (json.RootElement.TryGetProperty("odata.error", out var error) &&
                error.TryGetProperty("message", out var messageElement) &&
                (messageElement.ValueKind == JsonValueKind.Object && messageElement.TryGetProperty("value", out var value) ? value.GetString() : messageElement.GetString()) is { } text &&
                IndexPrefix().Match(text) is { Success: true } match &&
                int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var fromMessage) &&
                fromMessage < actionCount)
            {
                return fromMessage;
            }
        }
        catch (JsonException)
        {
            // Not a JSON error body: try the other clues.
        }

        // Content-IDs are 1-based: we number the actions from 1, and Azurite numbers its responses from 1.
        if (failure.Headers.TryGetValue("Content-ID", out var contentId) && int.TryParse(contentId, CultureInfo.InvariantCulture, out var fromContentId) && fromContentId >= 1 && fromContentId <= actionCount)
        {
            return fromContentId - 1;
        }

        return results.Count == actionCount ? results.IndexOf(failure) : null;
    }

    [GeneratedRegex(@"^\s*(\d+)\s*:")]
    private static partial Regex IndexPrefix();
}
