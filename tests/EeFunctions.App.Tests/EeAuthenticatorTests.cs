using EeFunctions.App.EarthEngine.Auth;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EeFunctions.App.Tests;

/// <summary>Earth Engine bearer tokens through the JwtBearer scheme and the permission policies, as both hosts run them.</summary>
public sealed class EeAuthenticatorTests
{
    private static readonly EeAuthOptions s_options = new() { SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) };

    private static readonly Dictionary<string, IReadOnlyList<string>> s_projectGrant = new() { ["my-project"] = [EePermissions.ImportsCreate, EePermissions.OperationsGet] };

    [Fact]
    public async Task A_minted_token_authenticates_with_its_subject_and_project_permissions()
    {
        var service = new EeTokenService(s_options);
        var token = service.Issue("alice", s_projectGrant, TimeSpan.FromHours(1));

        var caller = await AuthenticateAsync(s_options, "Bearer " + token);

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

        var caller = await AuthenticateAsync(s_options, "Bearer " + token);

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
        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => AuthenticateAsync(s_options, header));
        Assert.Equal(EeStatusCode.Unauthenticated, ex.Code);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_rejected()
    {
        var forger = new EeTokenService(new EeAuthOptions { SigningKey = Convert.ToBase64String(new byte[32]) });
        var token = forger.Issue("mallory", s_projectGrant, TimeSpan.FromHours(1));

        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => AuthenticateAsync(s_options, "Bearer " + token));
        Assert.Contains("signature", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_is_rejected_as_expired()
    {
        var options = new EeAuthOptions { SigningKey = s_options.SigningKey, ClockSkew = TimeSpan.Zero };
        var token = new EeTokenService(options).Issue("alice", s_projectGrant, DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1));

        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => AuthenticateAsync(options, "Bearer " + token));
        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_issuer_and_wrong_audience_are_rejected()
    {
        var otherIssuer = new EeTokenService(new EeAuthOptions { SigningKey = s_options.SigningKey, Issuer = "someone-else" }).Issue("a", s_projectGrant, TimeSpan.FromHours(1));
        var otherAudience = new EeTokenService(new EeAuthOptions { SigningKey = s_options.SigningKey, Audience = "another-api" }).Issue("a", s_projectGrant, TimeSpan.FromHours(1));
        Assert.Contains("issuer", (await Assert.ThrowsAsync<EarthEngineException>(() => AuthenticateAsync(s_options, "Bearer " + otherIssuer))).Message, StringComparison.Ordinal);
        Assert.Contains("audience", (await Assert.ThrowsAsync<EarthEngineException>(() => AuthenticateAsync(s_options, "Bearer " + otherAudience))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_signing_key_fails_validation()
    {
        var results = new EeAuthOptions { SigningKey = Convert.ToBase64String(new byte[16]) }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object()));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("32 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_permission_is_its_policy_checked_against_the_project()
    {
        var services = Services(s_options);
        var token = new EeTokenService(s_options).Issue("alice", s_projectGrant, TimeSpan.FromHours(1));
        var authenticator = services.GetRequiredService<EeAuthenticator>();

        var caller = await authenticator.AuthorizeAsync(Context(services, "Bearer " + token), "my-project", EePermissions.ImportsCreate);

        Assert.Equal("alice", caller.Subject);
        var denied = await Assert.ThrowsAsync<EarthEngineException>(() => authenticator.AuthorizeAsync(Context(services, "Bearer " + token), "my-project", EePermissions.AssetsDelete));
        Assert.Equal(EeStatusCode.PermissionDenied, denied.Code);
        Assert.False(await authenticator.IsAllowedAsync(caller, "other-project", EePermissions.ImportsCreate));
        Assert.False(await authenticator.IsAllowedAsync(caller, "Not A Project", EePermissions.ImportsCreate));
    }

    [Fact]
    public async Task Without_a_signing_key_every_token_is_refused_saying_so()
    {
        var token = new EeTokenService(s_options).Issue("alice", s_projectGrant, TimeSpan.FromHours(1));

        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => AuthenticateAsync(new EeAuthOptions(), "Bearer " + token));
        Assert.Contains("no token signing key", ex.Message, StringComparison.Ordinal);
    }

    private static Task<EeCaller> AuthenticateAsync(EeAuthOptions options, string? header)
    {
        var services = Services(options);
        return services.GetRequiredService<EeAuthenticator>().AuthenticateAsync(Context(services, header));
    }

    private static ServiceProvider Services(EeAuthOptions options)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [EeAuthOptions.SectionName + ":SigningKey"] = options.SigningKey,
            [EeAuthOptions.SectionName + ":Issuer"] = options.Issuer,
            [EeAuthOptions.SectionName + ":Audience"] = options.Audience,
            [EeAuthOptions.SectionName + ":ClockSkew"] = options.ClockSkew.ToString(),
        }).Build();
        return new ServiceCollection().AddLogging().AddEarthEngineAuth(configuration).BuildServiceProvider();
    }

    private static DefaultHttpContext Context(IServiceProvider services, string? header)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        if (header is not null)
        {
            http.Request.Headers.Authorization = header;
        }

        return http;
    }
}
