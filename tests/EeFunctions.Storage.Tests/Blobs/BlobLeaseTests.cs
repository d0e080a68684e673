using Azure;
using EeFunctions.Storage.Blobs;
using EeFunctions.Storage.Blobs.Models;
using EeFunctions.Storage.Blobs.Specialized;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Blobs;

public sealed class BlobLeaseTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private async Task<BlobClient> NewBlobAsync()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("l"));
        await container.CreateAsync();
        var blob = container.GetBlobClient("leased");
        await blob.UploadAsync(BinaryData.FromString("v1"));
        return blob;
    }

    [Fact]
    public async Task A_second_acquire_conflicts_with_LeaseAlreadyPresent()
    {
        var blob = await NewBlobAsync();
        await blob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal(409, ex.Status);
        Assert.Equal(BlobErrorCode.LeaseAlreadyPresent, ex.ErrorCode);
    }

    [Fact]
    public async Task Writes_to_a_leased_blob_need_the_lease_id()
    {
        var blob = await NewBlobAsync();
        var lease = blob.GetBlobLeaseClient();
        await lease.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("v2"), overwrite: true));
        Assert.Equal(412, ex.Status);
        Assert.Equal(BlobErrorCode.LeaseIdMissing, ex.ErrorCode);

        var wrong = await Assert.ThrowsAsync<RequestFailedException>(() =>
            blob.SetMetadataAsync(new Dictionary<string, string> { ["a"] = "b" }, new BlobRequestConditions { LeaseId = Guid.NewGuid().ToString() }));
        Assert.Equal(412, wrong.Status);

        await blob.UploadAsync(BinaryData.FromString("v2"), new BlobUploadOptions { Conditions = new BlobRequestConditions { LeaseId = lease.LeaseId } });
        Assert.Equal("v2", (await blob.DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(LeaseState.Leased, (await blob.GetPropertiesAsync()).Value.LeaseState);
    }

    [Fact]
    public async Task Renew_change_and_release_follow_the_lease_id()
    {
        var blob = await NewBlobAsync();
        var lease = blob.GetBlobLeaseClient();
        var acquired = await lease.AcquireAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(lease.LeaseId, acquired.Value.LeaseId);

        await lease.RenewAsync();
        var newId = Guid.NewGuid().ToString();
        await lease.ChangeAsync(newId);
        Assert.Equal(newId, lease.LeaseId);

        var stale = blob.GetBlobLeaseClient(acquired.Value.LeaseId);
        await Assert.ThrowsAsync<RequestFailedException>(() => stale.RenewAsync());

        await lease.ReleaseAsync();
        Assert.Equal(LeaseState.Available, (await blob.GetPropertiesAsync()).Value.LeaseState);
        await blob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Break_ends_someone_elses_lease_so_it_can_be_taken_over()
    {
        var blob = await NewBlobAsync();
        var owner = blob.GetBlobLeaseClient();
        await owner.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration);

        await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);

        var taker = blob.GetBlobLeaseClient();
        await taker.AcquireAsync(TimeSpan.FromSeconds(15));
        await Assert.ThrowsAsync<RequestFailedException>(() => owner.RenewAsync());
    }

    [Fact]
    public async Task Container_leases_guard_container_deletion()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("lc"));
        await container.CreateAsync();
        var lease = container.GetBlobLeaseClient();
        await lease.AcquireAsync(TimeSpan.FromSeconds(15));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => container.DeleteAsync());
        Assert.Equal(412, ex.Status);

        await container.DeleteAsync(new BlobRequestConditions { LeaseId = lease.LeaseId });
        Assert.False((await container.ExistsAsync()).Value);
    }
}
