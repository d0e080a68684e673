using System.Net;
using Azure.Core;
using EeFunctions.Storage.Queues;
using EeFunctions.Storage.Tables;

namespace EeFunctions.Storage.Tests.Core;

/// <summary>The request shape with an Entra ID token credential (no I/O: a fake credential and a recording transport).</summary>
public sealed class BearerTokenRequestTests
{
    private const string PutMessageResponse =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>m1</MessageId>" +
        "<InsertionTime>Mon, 01 Jan 2024 00:00:00 GMT</InsertionTime><ExpirationTime>Mon, 08 Jan 2024 00:00:00 GMT</ExpirationTime>" +
        "<PopReceipt>pr1</PopReceipt><TimeNextVisible>Mon, 01 Jan 2024 00:00:00 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>";

    [Fact]
    public async Task Queue_requests_carry_the_bearer_token_for_the_storage_scope_and_the_service_version()
    {
        var credential = new FakeTokenCredential("token-123");
        using var transport = new RecordingTransport(HttpStatusCode.Created, PutMessageResponse, "application/xml");
        var queue = new QueueClient(new Uri("https://myacct.queue.core.windows.net/jobs"), credential, new QueueClientOptions { Transport = transport });

        var receipt = (await queue.SendMessageAsync("hello")).Value;

        var request = Assert.Single(transport.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("https://myacct.queue.core.windows.net/jobs/messages", request.Uri.GetLeftPart(UriPartial.Path));
        Assert.Equal("Bearer token-123", request.Headers["Authorization"]);
        Assert.Equal(StorageVersionPolicy.DefaultVersion, request.Headers["x-ms-version"]);
        Assert.Equal(["https://storage.azure.com/.default"], Assert.Single(credential.RequestedScopes));
        Assert.Equal("m1", receipt.MessageId);
    }

    [Fact]
    public async Task Table_requests_carry_the_bearer_token_and_the_table_service_version()
    {
        var credential = new FakeTokenCredential("token-456");
        using var transport = new RecordingTransport(HttpStatusCode.NoContent, string.Empty, "application/json");
        var table = new TableClient(new Uri("https://myacct.table.core.windows.net"), "jobs", credential, new TableClientOptions { Transport = transport });

        await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 });

        var request = Assert.Single(transport.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("https://myacct.table.core.windows.net/jobs", request.Uri.AbsoluteUri);
        Assert.Equal("Bearer token-456", request.Headers["Authorization"]);
        Assert.Equal("2019-02-02", request.Headers["x-ms-version"]);
        Assert.Equal("3.0", request.Headers["DataServiceVersion"]);
        Assert.Equal("return-no-content", request.Headers["Prefer"]);
    }

    [Theory]
    [InlineData("http://myacct.queue.core.windows.net/jobs")]
    [InlineData("http://127.0.0.1:10001/devstoreaccount1/jobs")]
    public void A_token_credential_over_plain_http_is_refused_when_the_client_is_built(string queueUrl)
    {
        var credential = new FakeTokenCredential("secret");

        var ex = Assert.Throws<ArgumentException>(() => new QueueClient(new Uri(queueUrl), credential));

        Assert.Contains("https", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new TableClient(new Uri(queueUrl), "jobs", credential));
    }

    private sealed class FakeTokenCredential(string token) : TokenCredential
    {
        public List<string[]> RequestedScopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            RequestedScopes.Add(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
