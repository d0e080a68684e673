using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace EeFunctions.App.Tests;

/// <summary>
/// A transport that never touches the network: it records each request as the pipeline finally sends it (after the
/// authentication and version policies) and answers with a canned response. Used only where Azurite cannot answer.
/// </summary>
internal sealed class RecordingTransport(HttpStatusCode status, string body, string contentType) : HttpPipelineTransport, IDisposable
{
    private readonly HttpClientTransport _inner = new(new HttpClient(new CannedHandler(status, body, contentType)));

    public List<RecordedRequest> Requests { get; } = [];

    public override Request CreateRequest() => _inner.CreateRequest();

    public override void Process(HttpMessage message)
    {
        Record(message);
        _inner.Process(message);
    }

    public override ValueTask ProcessAsync(HttpMessage message)
    {
        Record(message);
        return _inner.ProcessAsync(message);
    }

    public void Dispose() => _inner.Dispose();

    private void Record(HttpMessage message)
    {
        var headers = message.Request.Headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
        Requests.Add(new RecordedRequest(message.Request.Method.Method, message.Request.Uri.ToUri(), headers));
    }

    internal sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers);

    private sealed class CannedHandler(HttpStatusCode status, string body, string contentType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            return Task.FromResult(new HttpResponseMessage(status) { Content = content });
        }
    }
}
