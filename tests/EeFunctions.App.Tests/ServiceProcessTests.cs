using System.Net;
using EeFunctions.Testing;

namespace EeFunctions.App.Tests;

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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_real_process_starts_without_storage_and_reports_it_as_unhealthy(bool blobDrops)
    {
        var closed = AzuriteInstance.FreePorts(1)[0];
        var cs = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteInstance.DevelopmentAccountKey};" +
                 $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1";
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string>(TestSettings.For(azurite))
        {
            ["AzureWebJobsStorage"] = cs,
            ["EarthEngine:DropEnabled"] = blobDrops ? "true" : "false",
        });
        using var http = new HttpClient { BaseAddress = service.BaseAddress };

        using var response = await http.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("blob service unreachable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_hub_reopened_with_another_partition_count_stops_the_service_with_a_clear_error()
    {
        var settings = TestSettings.For(azurite);
        settings["AzureFunctionsJobHost:extensions:durableTask:storageProvider:partitionCount"] = "4";
        await using (var first = await ServiceProcess.StartAsync(settings))
        {
            // The first start creates the hub and records 4 partitions in taskhub.json.
            await WaitForOutputAsync(first, "ready with 4 partitions");
        }

        settings["AzureFunctionsJobHost:extensions:durableTask:storageProvider:partitionCount"] = "2";
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var second = await ServiceProcess.StartAsync(settings);
            await WaitForExitAsync(second);
            throw new InvalidOperationException($"exited with {second.ExitCode}:\n{second.Output}");
        });

        Assert.Contains("cannot change", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exited", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_cancelled_before_the_service_answers_leaves_no_process_behind()
    {
        var (settings, marker) = Marked(TestSettings.For(azurite));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ServiceProcess.StartAsync(settings, cts.Token));

        Assert.Empty(ProcessesMarked(marker));
    }

    [Fact]
    public async Task A_start_that_times_out_says_so_and_leaves_no_process_behind()
    {
        var (settings, marker) = Marked(TestSettings.For(azurite));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => ServiceProcess.StartAsync(settings, TimeSpan.FromMilliseconds(300)));

        Assert.Contains("/api/health", error.Message, StringComparison.Ordinal);
        Assert.Empty(ProcessesMarked(marker));
    }

    /// <summary>Settings reach the process as environment variables, so a unique one finds it again in /proc.</summary>
    private static (Dictionary<string, string> Settings, string Marker) Marked(Dictionary<string, string> settings)
    {
        var marker = "EEF_TEST_MARKER=" + Guid.NewGuid().ToString("N");
        settings["EEF_TEST_MARKER"] = marker["EEF_TEST_MARKER=".Length..];
        return (settings, marker);
    }

    private static List<int> ProcessesMarked(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains(marker))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or another user's.
            }
        }

        return found;
    }

    private static async Task WaitForOutputAsync(ServiceProcess service, string text)
    {
        for (var i = 0; i < 300 && !service.Output.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(text, service.Output, StringComparison.Ordinal);
    }

    private static async Task WaitForExitAsync(ServiceProcess service)
    {
        for (var i = 0; i < 300 && !service.HasExited; i++)
        {
            await Task.Delay(100);
        }
    }
}
