using EeFunctions.App.EarthEngine;
using Azure.Data.Tables;
using EeFunctions.Testing;

namespace EeFunctions.App.Tests;

/// <summary>A tile generation is claimed once: by its import's Register or by a terminate's cleanup, never both.</summary>
public sealed class GenerationClaimsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private GenerationClaims Claims() =>
        new(new TableServiceClient(azurite.ConnectionString).GetTableClient(AzuriteFixture.UniqueName("claims").Replace("-", string.Empty, StringComparison.Ordinal)));

    [Fact]
    public async Task A_revoked_generation_cannot_be_registered_and_reads_as_revoked()
    {
        var claims = Claims();

        Assert.True(await claims.TryRevokeAsync("proj-a", "img", 42, CancellationToken.None));
        Assert.False(await claims.TryRegisterAsync("proj-a", "img", 42, CancellationToken.None));
        Assert.True(await claims.IsRevokedAsync("proj-a", "img", 42, CancellationToken.None));
    }

    [Fact]
    public async Task A_registered_generation_cannot_be_revoked_and_registering_again_succeeds()
    {
        var claims = Claims();

        Assert.True(await claims.TryRegisterAsync("proj-a", "img", 7, CancellationToken.None));
        Assert.True(await claims.TryRegisterAsync("proj-a", "img", 7, CancellationToken.None));
        Assert.False(await claims.TryRevokeAsync("proj-a", "img", 7, CancellationToken.None));
        Assert.False(await claims.IsRevokedAsync("proj-a", "img", 7, CancellationToken.None));
    }

    [Fact]
    public async Task Racing_register_and_revoke_have_exactly_one_winner()
    {
        for (var generation = 0; generation < 20; generation++)
        {
            var claims = Claims();
            var register = claims.TryRegisterAsync("proj-b", "a:b", generation, CancellationToken.None);
            var revoke = claims.TryRevokeAsync("proj-b", "a:b", generation, CancellationToken.None);

            var results = await Task.WhenAll(register, revoke);

            Assert.True(results[0] ^ results[1], $"generation {generation}: register {results[0]}, revoke {results[1]}");
        }
    }

    [Fact]
    public async Task Claims_of_other_generations_projects_and_assets_are_independent()
    {
        var claims = Claims();
        await claims.TryRevokeAsync("proj-c", "img", 1, CancellationToken.None);

        Assert.True(await claims.TryRegisterAsync("proj-c", "img", 2, CancellationToken.None));
        Assert.True(await claims.TryRegisterAsync("proj-d", "img", 1, CancellationToken.None));
        Assert.True(await claims.TryRegisterAsync("proj-c", "other", 1, CancellationToken.None));
    }
}
