using System.Net;
using System.Text;
using EeFunctions.Storage.Tables;
using EeFunctions.Storage.Tests.Core;

namespace EeFunctions.Storage.Tests.Tables;

/// <summary>
/// The transaction request and response wire format, as Azure Tables documents it (no I/O: a recording transport
/// answers with the documented multipart responses, which Azure sends differently from Azurite in places).
/// </summary>
public sealed class TableTransactionWireFormatTests
{
    private const string AccountKey = StorageConnectionString.DevelopmentAccountKey;

    [Fact]
    public async Task Azure_style_failure_names_the_action_from_the_index_prefix_of_the_error_message()
    {
        const string body =
            "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n" +
            "--changesetresponse_2\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 409 Conflict\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 3.0;\r\n" +
            "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"2:The specified entity already exists.\\nRequestId:abc\\nTime:2024-01-01T00:00:00.0000000Z\"}}}\r\n" +
            "--changesetresponse_2--\r\n--batchresponse_1--\r\n";
        using var transport = new RecordingTransport(HttpStatusCode.Accepted, body, "multipart/mixed; boundary=batchresponse_1");
        var table = Client(transport);
        var actions = Enumerable.Range(0, 4).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i}"))).ToList();

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(actions));

        Assert.Equal(2, ex.FailedTransactionActionIndex);
        Assert.Same(actions[2], ex.FailedTransactionAction);
        Assert.Equal(409, ex.Status);
        Assert.Equal(TableErrorCode.EntityAlreadyExists, ex.ErrorCode);
        Assert.Contains("action 2 (Add of (PartitionKey 'p', RowKey 'r2'))", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_index_prefix_the_failed_part_s_one_based_Content_ID_names_the_action()
    {
        const string body =
            "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n" +
            "--changesetresponse_2\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 412 Precondition Failed\r\nContent-ID: 3\r\nContent-Type: application/json;odata=minimalmetadata\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"UpdateConditionNotSatisfied\",\"message\":{\"lang\":\"en-US\",\"value\":\"The update condition specified in the request was not satisfied.\"}}}\r\n" +
            "--changesetresponse_2--\r\n--batchresponse_1--\r\n";
        using var transport = new RecordingTransport(HttpStatusCode.Accepted, body, "multipart/mixed; boundary=batchresponse_1");
        var table = Client(transport);
        var actions = Enumerable.Range(0, 4).Select(i => new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity("p", $"r{i}"), new Azure.ETag("W/\"x\""))).ToList();

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(actions));

        Assert.Equal(2, ex.FailedTransactionActionIndex);
        Assert.Equal(412, ex.Status);
        Assert.Equal(TableErrorCode.UpdateConditionNotSatisfied, ex.ErrorCode);
    }

    [Fact]
    public async Task Azure_style_success_gives_one_response_per_action_with_its_ETag()
    {
        static string Part(int contentId, string status, string? etag) =>
            "--changesetresponse_2\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            $"HTTP/1.1 {status}\r\nContent-ID: {contentId}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 1.0;\r\n" +
            (etag is null ? string.Empty : $"ETag: {etag}\r\n") + "\r\n\r\n";
        var body =
            "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n" +
            Part(1, "204 No Content", "W/\"0x5B168C7B6E589D2\"") +
            Part(2, "204 No Content", null) +
            "--changesetresponse_2--\r\n--batchresponse_1--\r\n";
        using var transport = new RecordingTransport(HttpStatusCode.Accepted, body, "multipart/mixed; boundary=batchresponse_1");
        var table = Client(transport);

        var results = (await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("p", "a") { ["V"] = 1L }),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "b"), new Azure.ETag("W/\"old\"")),
        ])).Value;

        Assert.Equal(2, results.Count);
        Assert.Equal(new Azure.ETag("W/\"0x5B168C7B6E589D2\""), results[0].Headers.ETag);
        Assert.Null(results[1].Headers.ETag);
        Assert.All(results, r => Assert.Equal(204, r.Status));
    }

    [Fact]
    public async Task The_request_is_one_changeset_with_each_action_as_an_embedded_http_request()
    {
        using var transport = new RecordingTransport(HttpStatusCode.BadRequest, "{\"odata.error\":{\"code\":\"InvalidInput\",\"message\":{\"value\":\"bad\"}}}", "application/json");
        var table = Client(transport);
        string? sentBody = null;
        transport.OnRequest = request => sentBody = request.Content is null ? null : ReadContent(request.Content);

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "o'b"), new Azure.ETag("W/\"e1\"")),
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("p", "c")),
        ]));

        var request = Assert.Single(transport.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("https://myacct.table.core.windows.net/$batch", request.Uri.AbsoluteUri);
        Assert.StartsWith("multipart/mixed; boundary=batch_", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.StartsWith("SharedKey myacct:", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.NotNull(sentBody);
        Assert.Contains("POST https://myacct.table.core.windows.net/jobs HTTP/1.1\r\n", sentBody, StringComparison.Ordinal);
        Assert.Contains("PUT https://myacct.table.core.windows.net/jobs(PartitionKey='p',RowKey='o%27%27b') HTTP/1.1\r\n", sentBody, StringComparison.Ordinal);
        Assert.Contains("If-Match: W/\"e1\"\r\n", sentBody, StringComparison.Ordinal);
        Assert.Contains("MERGE https://myacct.table.core.windows.net/jobs(PartitionKey='p',RowKey='c') HTTP/1.1\r\n", sentBody, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(sentBody!, "If-Match:"));
        Assert.Null(ex.FailedTransactionActionIndex);
        Assert.Equal(TableErrorCode.InvalidInput, ex.ErrorCode);
    }

    private static TableClient Client(RecordingTransport transport) =>
        new(new Uri("https://myacct.table.core.windows.net"), "jobs", new TableSharedKeyCredential("myacct", AccountKey), new TableClientOptions { Transport = transport, Retry = { MaxRetries = 0 } });

    private static string ReadContent(Azure.Core.RequestContent content)
    {
        using var stream = new MemoryStream();
        content.WriteTo(stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
