using System.Net.Http.Headers;
using System.Security.Cryptography;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.Testing;

namespace EeFunctions.Benchmarks.Suites;

/// <summary>
/// The real service for a benchmark: a private Azurite, the Release host as its own process with the repository's
/// host.json, and an HTTP client holding a token with every permission on <c>project</c>. The service's last output
/// is printed when the benchmark fails; on a signal it is stopped quickly (Azurite may be gone already).
/// </summary>
internal static class BenchService
{
    public static async Task RunAsync(BenchmarkContext context, string run, string project, Func<AzuriteInstance, HttpClient, string, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        await using var azurite = await AzuriteInstance.StartAsync(cancellationToken);
        var systemKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["DurableTask:SystemKey"] = systemKey,
            ["EarthEngine:Auth:SigningKey"] = signingKey,
            ["EarthEngine:LocalCacheDirectory"] = Path.Combine(run, "service-cache"),
            ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = "EeBench" + Guid.NewGuid().ToString("N")[..12],
        };

        // Everything else is the repository's host.json: the service as `make run` starts it, but the Release build.
        await using var service = await ServiceProcess.StartAsync(settings, cancellationToken);
        var token = new EeTokenService(new EeAuthOptions { SigningKey = signingKey })
            .Issue("benchmark", new Dictionary<string, IReadOnlyList<string>> { [project] = EePermissions.All }, TimeSpan.FromHours(2));
        using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            await body(azurite, http, systemKey);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var log = service.Output;
            context.Output.WriteLine($"the service's last output:\n{log[Math.Max(0, log.Length - 4000)..]}");
            throw;
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await StopQuicklyAsync(service);
            }
        }
    }

    private static async Task StopQuicklyAsync(ServiceProcess service)
    {
        try
        {
            await service.StopAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
            await service.CrashAsync();
        }
    }
}
