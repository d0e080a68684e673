using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;

namespace EeFunctions.EarthEngine.Tests;

public sealed class TokenServiceTests
{
    private static readonly EeAuthOptions s_options = new() { SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) };

    private static readonly Dictionary<string, IReadOnlyList<string>> s_projectGrant = new() { ["my-project"] = [EePermissions.ImportsCreate, EePermissions.OperationsGet] };

    [Fact]
    public async Task A_minted_token_authenticates_with_its_subject_and_project_permissions()
    {
        var service = new EeTokenService(s_options);
        var token = service.Issue("alice", s_projectGrant, TimeSpan.FromHours(1));

        var caller = await service.AuthenticateAsync("Bearer " + token);

        Assert.Equal("alice", caller.Subject);
        Assert.True(caller.Has("my-project", EePermissions.ImportsCreate));
        Assert.False(caller.Has("my-project", EePermissions.AssetsDelete));
        Assert.False(caller.Has("other-project", EePermissions.ImportsCreate));
    }

    [Fact]
    public async Task A_star_grant_applies_to_every_project()
    {
        var service = new EeTokenService(s_options);
        var token = service.Issue("ops", new Dictionary<string, IReadOnlyList<string>> { ["*"] = [EePermissions.OperationsGet] }, TimeSpan.FromHours(1));

        var caller = await service.AuthenticateAsync("Bearer " + token);

        Assert.True(caller.Has("anything", EePermissions.OperationsGet));
        Assert.False(caller.Has("anything", EePermissions.ImportsCreate));
    }

    [Theory]
    [InlineData(null, "missing required authentication credential")]
    [InlineData("", "missing required authentication credential")]
    [InlineData("Basic abc", "Bearer scheme")]
    [InlineData("Bearer not.a.jwt", "malformed")]
    public async Task Missing_or_malformed_credentials_are_unauthenticated(string? header, string reason)
    {
        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => new EeTokenService(s_options).AuthenticateAsync(header));
        Assert.Equal(EeStatusCode.Unauthenticated, ex.Code);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_rejected()
    {
        var forger = new EeTokenService(new EeAuthOptions { SigningKey = Convert.ToBase64String(new byte[32]) });
        var token = forger.Issue("mallory", s_projectGrant, TimeSpan.FromHours(1));

        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => new EeTokenService(s_options).AuthenticateAsync("Bearer " + token));
        Assert.Contains("signature", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_is_rejected_as_expired()
    {
        var service = new EeTokenService(new EeAuthOptions { SigningKey = s_options.SigningKey, ClockSkew = TimeSpan.Zero });
        var token = service.Issue("alice", s_projectGrant, DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1));

        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => service.AuthenticateAsync("Bearer " + token));
        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_issuer_and_wrong_audience_are_rejected()
    {
        var otherIssuer = new EeTokenService(new EeAuthOptions { SigningKey = s_options.SigningKey, Issuer = "someone-else" }).Issue("a", s_projectGrant, TimeSpan.FromHours(1));
        var otherAudience = new EeTokenService(new EeAuthOptions { SigningKey = s_options.SigningKey, Audience = "another-api" }).Issue("a", s_projectGrant, TimeSpan.FromHours(1));
        var service = new EeTokenService(s_options);

        Assert.Contains("issuer", (await Assert.ThrowsAsync<EarthEngineException>(() => service.AuthenticateAsync("Bearer " + otherIssuer))).Message, StringComparison.Ordinal);
        Assert.Contains("audience", (await Assert.ThrowsAsync<EarthEngineException>(() => service.AuthenticateAsync("Bearer " + otherAudience))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_signing_key_fails_validation()
    {
        var results = new EeAuthOptions { SigningKey = Convert.ToBase64String(new byte[16]) }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object()));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("32 bytes", StringComparison.Ordinal));
    }
}
