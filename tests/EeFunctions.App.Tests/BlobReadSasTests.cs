using System.Net;
using System.Web;
using Azure.Core;
using Azure.Storage.Blobs;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace EeFunctions.App.Tests;

/// <summary>
/// In-place reads on an identity-based connection sign a user delegation SAS. Azurite grants delegation keys only to
/// OAuth callers, so the service's side is a recorded exchange here (the one test that does not use real storage).
/// </summary>
public sealed class BlobReadSasTests
{
    private const string DelegationKey = """
        <?xml version="1.0" encoding="utf-8"?>
        <UserDelegationKey>
          <SignedOid>11111111-1111-1111-1111-111111111111</SignedOid>
          <SignedTid>22222222-2222-2222-2222-222222222222</SignedTid>
          <SignedStart>2026-12-03T00:00:00Z</SignedStart>
          <SignedExpiry>2026-12-04T00:00:00Z</SignedExpiry>
          <SignedService>b</SignedService>
          <SignedVersion>2025-11-05</SignedVersion>
          <Value>c2VjcmV0LWRlbGVnYXRpb24ta2V5LWJ5dGVzLTMyLWxvbmchIQ==</Value>
        </UserDelegationKey>
        """;

    private static readonly StorageOptions Identity = new()
    {
        BlobServiceUri = new Uri("https://acct.blob.core.windows.net/"),
        QueueServiceUri = new Uri("https://acct.queue.core.windows.net/"),
        TableServiceUri = new Uri("https://acct.table.core.windows.net/"),
    };

    private static (BlobReadSas Signer, BlobServiceClient Blobs) SignerOver(RecordingTransport transport)
    {
        var connection = new StorageConnection(Identity, new FixedToken());
        var blobs = connection.CreateBlobServiceClient(new BlobClientOptions { Transport = transport });
        return (new BlobReadSas(blobs, connection, NullLogger<BlobReadSas>.Instance), blobs);
    }

    [Fact]
    public async Task An_identity_based_connection_asks_once_for_a_delegation_key_and_signs_read_only_blob_SAS_with_it()
    {
        using var transport = new RecordingTransport(HttpStatusCode.OK, DelegationKey, "application/xml");
        var (signer, blobs) = SignerOver(transport);

        var first = await signer.ReadUriAsync(blobs.GetBlobContainerClient("src").GetBlobClient("in/a.tif"), CancellationToken.None);
        var second = await signer.ReadUriAsync(blobs.GetBlobContainerClient("src").GetBlobClient("in/b.tif"), CancellationToken.None);

        var request = Assert.Single(transport.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("https://acct.blob.core.windows.net/?restype=service&comp=userdelegationkey", request.Uri.AbsoluteUri);
        Assert.Equal("Bearer token-for-https://storage.azure.com/.default", request.Headers["Authorization"]);

        Assert.NotNull(first);
        Assert.Equal("https://acct.blob.core.windows.net/src/in/a.tif", first.GetLeftPart(UriPartial.Path));
        var sas = HttpUtility.ParseQueryString(first.Query);
        Assert.Equal("r", sas["sp"]);
        Assert.Equal("b", sas["sr"]);
        Assert.Equal("11111111-1111-1111-1111-111111111111", sas["skoid"]);
        Assert.Equal("22222222-2222-2222-2222-222222222222", sas["sktid"]);
        Assert.False(string.IsNullOrEmpty(sas["sig"]));
        Assert.Equal("https://acct.blob.core.windows.net/src/in/b.tif", second!.GetLeftPart(UriPartial.Path));
    }

    [Fact]
    public async Task An_identity_not_allowed_a_delegation_key_gets_no_SAS_so_the_source_is_copied_instead()
    {
        using var transport = new RecordingTransport(
            HttpStatusCode.Forbidden,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.</Message></Error>",
            "application/xml");
        var (signer, blobs) = SignerOver(transport);

        var uri = await signer.ReadUriAsync(blobs.GetBlobContainerClient("src").GetBlobClient("in/a.tif"), CancellationToken.None);

        Assert.Null(uri);
    }

    /// <summary>A credential that hands out a token naming the scope it was asked for.</summary>
    private sealed class FixedToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token-for-" + string.Join(' ', requestContext.Scopes), DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
