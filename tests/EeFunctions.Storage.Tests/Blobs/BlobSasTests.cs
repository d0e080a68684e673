using Azure;
using EeFunctions.Storage.Blobs;
using EeFunctions.Storage.Sas;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Blobs;

public sealed class BlobSasTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly StorageSharedKeyCredential s_devKey =
        new(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey);

    private string SasConnectionString(string permissions)
    {
        var sas = new AccountSasBuilder { Permissions = permissions, ExpiresOn = DateTimeOffset.UtcNow.AddHours(1) }.ToSasQueryParameters(s_devKey);
        var parsed = StorageConnectionString.Parse(azurite.ConnectionString);
        return $"BlobEndpoint={parsed.BlobEndpoint};QueueEndpoint={parsed.QueueEndpoint};TableEndpoint={parsed.TableEndpoint};SharedAccessSignature={sas}";
    }

    [Fact]
    public async Task An_account_sas_with_write_permission_uploads_and_reads()
    {
        var service = new BlobServiceClient(SasConnectionString("rwdlac"));
        var container = service.GetBlobContainerClient(AzuriteFixture.UniqueName("sas"));
        await container.CreateAsync();
        var blob = container.GetBlobClient("x");

        await blob.UploadAsync(BinaryData.FromString("through a sas"));

        Assert.Equal("through a sas", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task A_read_only_sas_cannot_write()
    {
        var name = AzuriteFixture.UniqueName("sasro");
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(name).CreateAsync();
        var blob = new BlobServiceClient(SasConnectionString("rl")).GetBlobContainerClient(name).GetBlobClient("x");

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("no")));

        Assert.Equal(403, ex.Status);
    }

    [Fact]
    public async Task A_sas_signed_with_another_key_is_refused()
    {
        var forged = new AccountSasBuilder { Permissions = "rwl", ExpiresOn = DateTimeOffset.UtcNow.AddHours(1) }
            .ToSasQueryParameters(new StorageSharedKeyCredential(StorageConnectionString.DevelopmentAccountName, Convert.ToBase64String(new byte[64])));
        var parsed = StorageConnectionString.Parse(azurite.ConnectionString);
        var service = new BlobServiceClient(new Uri(parsed.BlobEndpoint + "?" + forged));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => service.GetBlobContainerClient(AzuriteFixture.UniqueName("f")).CreateAsync());

        Assert.Equal(403, ex.Status);
    }
}
