using System.Net;
using EeFunctions.Storage.Blobs;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Blobs;

/// <summary>A blob's service SAS as plain HTTP clients (GDAL's /vsicurl/) use it: range reads of that blob only.</summary>
public sealed class BlobServiceSasTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private async Task<BlobContainerClient> ContainerWithAsync(params string[] names)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("svcsas"));
        await container.CreateAsync();
        foreach (var name in names)
        {
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromString("0123456789 " + name));
        }

        return container;
    }

    [Fact]
    public async Task A_read_sas_serves_a_range_of_its_blob_to_a_plain_http_client()
    {
        var container = await ContainerWithAsync("dir/a b.tif");
        var blob = container.GetBlobClient("dir/a b.tif");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, blob.GenerateSasUri("r", DateTimeOffset.UtcNow.AddMinutes(10)));
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(2, 5);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("2345", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_blob_sas_does_not_open_another_blob_of_the_container()
    {
        var container = await ContainerWithAsync("a", "b");
        var sas = container.GetBlobClient("a").GenerateSasUri("r", DateTimeOffset.UtcNow.AddMinutes(10));
        var other = new Uri(sas.AbsoluteUri.Replace("/a?", "/b?", StringComparison.Ordinal));
        using var http = new HttpClient();

        using var response = await http.GetAsync(other);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_read_sas_cannot_write()
    {
        var container = await ContainerWithAsync("a");
        var sas = container.GetBlobClient("a").GenerateSasUri("r", DateTimeOffset.UtcNow.AddMinutes(10));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, sas) { Content = new StringContent("x") };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_sas_is_refused()
    {
        var container = await ContainerWithAsync("a");
        var sas = container.GetBlobClient("a").GenerateSasUri("r", DateTimeOffset.UtcNow.AddMinutes(-5));
        using var http = new HttpClient();

        using var response = await http.GetAsync(sas);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public void A_client_without_the_account_key_cannot_sign()
    {
        var parsed = StorageConnectionString.Parse(azurite.ConnectionString);
        var blob = new BlobServiceClient(new Uri(parsed.BlobEndpoint + "?sv=x&sig=y")).GetBlobContainerClient("c").GetBlobClient("b");

        Assert.False(blob.CanGenerateSasUri);
        Assert.Throws<InvalidOperationException>(() => blob.GenerateSasUri("r", DateTimeOffset.UtcNow.AddMinutes(1)));
    }
}
