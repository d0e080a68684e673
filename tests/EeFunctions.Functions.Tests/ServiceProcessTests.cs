using System.Net;
using EeFunctions.Testing;

namespace EeFunctions.Functions.Tests;

public sealed class ServiceProcessTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task The_real_process_serves_health_on_loopback_and_stops_cleanly_on_sigterm()
    {
        await using var service = await ServiceProcess.StartAsync(TestSettings.For(azurite));
        using var http = new HttpClient { BaseAddress = service.BaseAddress };

        using var response = await http.GetAsync("/api/health");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body + service.Output);

        var exitCode = await service.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.Contains("Application is shutting down", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_real_process_starts_without_storage_and_reports_it_as_unhealthy()
    {
        var closed = AzuriteInstance.FreePorts(1)[0];
        var cs = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={EeFunctions.Storage.StorageConnectionString.DevelopmentAccountKey};" +
                 $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1";
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string>(TestSettings.For(azurite)) { ["AzureWebJobsStorage"] = cs });
        using var http = new HttpClient { BaseAddress = service.BaseAddress };

        using var response = await http.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("blob service unreachable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
