using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;

namespace EeFunctions.Storage.Tables;

/// <summary>One operation's response inside a transaction (batch) response.</summary>
internal sealed class TableSubResponse : Response
{
    private readonly List<HttpHeader> _headers;

    public TableSubResponse(int status, string reasonPhrase, List<HttpHeader> headers, byte[] body, string clientRequestId)
    {
        Status = status;
        ReasonPhrase = reasonPhrase;
        _headers = headers;
        ContentStream = new MemoryStream(body, writable: false);
        ClientRequestId = clientRequestId;
    }

    public override int Status { get; }

    /// <summary>A failed operation is an error response (the pipeline's classifier never sees embedded responses).</summary>
    public override bool IsError => Status >= 400;

    public override string ReasonPhrase { get; }

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; }

    public override void Dispose()
    {
    }

    protected override bool ContainsHeader(string name) => _headers.Exists(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers;

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
    {
        var values = _headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        value = values.Count == 0 ? null : string.Join(',', values);
        return value is not null;
    }

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        var found = _headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        values = found.Count == 0 ? null : found;
        return values is not null;
    }
}

/// <summary>A response that may carry no value (the entity did not exist), as Azure.Core's NullableResponse.</summary>
internal sealed class TableNullableResponse<T>(Response response, T? value) : NullableResponse<T>
    where T : class
{
    public override bool HasValue => value is not null;

    public override T? Value => value ?? throw new InvalidOperationException($"The response has no {typeof(T).Name}: the entity does not exist. Check HasValue first.");

    public override Response GetRawResponse() => response;
}
