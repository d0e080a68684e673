using System.Net;
using System.Text.Json;
using EeFunctions.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EeFunctions.App.Tests;

[Collection(InProcessHostGroup.Name)]
public sealed class HealthEndpointTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Health_is_200_with_every_component_healthy_when_storage_and_gdal_are_there()
    {
        await using var factory = TestSettings.Host(azurite);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/health");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var components = json.RootElement.GetProperty("components");
        foreach (var name in new[] { "blob", "queue", "table", "gdal" })
        {
            Assert.True(components.GetProperty(name).GetProperty("healthy").GetBoolean(), name);
        }
    }

    [Fact]
    public async Task Health_is_503_naming_the_storage_services_when_storage_is_unreachable()
    {
        var closedPort = AzuriteInstance.FreePorts(1)[0];
        var unreachable = azurite.ConnectionString
            .Replace($":{azurite.Azurite.BlobPort}/", $":{closedPort}/", StringComparison.Ordinal)
            .Replace($":{azurite.Azurite.QueuePort}/", $":{closedPort}/", StringComparison.Ordinal)
            .Replace($":{azurite.Azurite.TablePort}/", $":{closedPort}/", StringComparison.Ordinal);
        await using var factory = TestSettings.Host(azurite, b => b.UseSetting("AzureWebJobsStorage", unreachable));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/health");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("status").GetString());
        var blob = json.RootElement.GetProperty("components").GetProperty("blob");
        Assert.False(blob.GetProperty("healthy").GetBoolean());
        Assert.Contains("unreachable", blob.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(json.RootElement.GetProperty("components").GetProperty("queue").GetProperty("healthy").GetBoolean());
        Assert.False(json.RootElement.GetProperty("components").GetProperty("table").GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public async Task The_route_prefix_comes_from_host_json_and_can_be_overridden()
    {
        await using var factory = TestSettings.Host(azurite, b => b.UseSetting("AzureFunctionsJobHost:extensions:http:routePrefix", "fn"));
        using var client = factory.CreateClient();

        using var moved = await client.GetAsync("/fn/health");
        using var old = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
    }

    [Theory]
    [InlineData("AzureFunctionsJobHost:extensions:durableTask:storageProvider:partitionCount", "17", "partitionCount")]
    [InlineData("AzureFunctionsJobHost:extensions:durableTask:hubName", "no", "hubName")]
    [InlineData("AzureWebJobsStorage", "AccountName=x;Bogus=1", "AzureWebJobsStorage")]
    [InlineData("DurableTask:SystemKey", "short", "SystemKey")]
    public void Invalid_settings_stop_the_host_at_start_with_a_message_naming_them(string key, string value, string named)
    {
        using var factory = TestSettings.Host(azurite, b => b.UseSetting(key, value));

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(named, ex.ToString(), StringComparison.Ordinal);
    }
}
