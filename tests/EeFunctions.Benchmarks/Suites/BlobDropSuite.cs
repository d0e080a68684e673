using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using EeFunctions.App.BlobDrop;
using EeFunctions.EarthEngine.Names;
using EeFunctions.Testing;

namespace EeFunctions.Benchmarks.Suites;

/// <summary>
/// Blob-drop latency on the real service (Release, own process, private Azurite, host.json's settings): 20 uploads of
/// a 20×20 GeoTIFF one after another, each timed from the end of its upload until the Durable API shows its import's
/// instance (the operation's appearance), and until its result file says SUCCEEDED. Goal: median appearance ≤ 5 s.
/// </summary>
internal sealed class BlobDropSuite : IBenchmarkSuite
{
    private const int Drops = 20;
    private const string Project = "bench-drops";
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(50);

    public string Name => "blob-drop";

    public string Description => "20 GeoTIFF drops, upload → operation appears and → result file, on the real service";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        await using var azurite = await AzuriteInstance.StartAsync(cancellationToken);
        var systemKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["DurableTask:SystemKey"] = systemKey,
            ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = "DropBench" + Guid.NewGuid().ToString("N")[..12],
        };
        await using var service = await ServiceProcess.StartAsync(settings, cancellationToken);
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        http.DefaultRequestHeaders.Add("x-functions-key", systemKey);
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var drops = blobs.GetBlobContainerClient("ee-drop");
        await drops.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var results = blobs.GetBlobContainerClient("ee-drop-results");
        var tiny = BinaryData.FromBytes(await File.ReadAllBytesAsync(TestData.Raster("byte.tif"), cancellationToken));

        var appear = new List<double>();
        var done = new List<double>();
        for (var i = 0; i < Drops; i++)
        {
            var name = $"{Project}/d{i:D2}.tif";
            var blob = drops.GetBlobClient(name);
            var uploaded = await blob.UploadAsync(tiny, overwrite: true, cancellationToken);
            var clock = Stopwatch.StartNew();
            var requestId = BlobDropHandler.RequestIdOf(new DroppedBlob(drops.Name, name, uploaded.Value.ETag.ToString(), blob.Uri));
            var instanceId = EeNames.InstanceId(Project, EeNames.OperationIdFor(Project, BlobDropHandler.Principal, requestId));
            while (true)
            {
                using var status = await http.GetAsync(new Uri($"/runtime/webhooks/durabletask/instances/{instanceId}", UriKind.Relative), cancellationToken);
                if (status.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted)
                {
                    break;
                }

                await Task.Delay(s_poll, cancellationToken);
            }

            appear.Add(clock.Elapsed.TotalSeconds);
            var result = results.GetBlobClient(name + BlobDropHandler.ResultSuffix);
            while (!(await result.ExistsAsync(cancellationToken)).Value)
            {
                await Task.Delay(s_poll, cancellationToken);
            }

            done.Add(clock.Elapsed.TotalSeconds);
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        static double P95(List<double> values) => values.Order().ElementAt(Math.Min(values.Count - 1, (int)Math.Ceiling(0.95 * values.Count) - 1));
        string F(double v) => BenchmarkContext.Format(v, 2);
        context.WriteTable(
            ["measure", "median s", "p95 s", "max s"],
            [
                ["upload → operation appears", F(Median(appear)), F(P95(appear)), F(appear.Max())],
                ["upload → result file written", F(Median(done)), F(P95(done)), F(done.Max())],
            ]);
        context.Output.WriteLine($"{Drops} drops one after another; goal: median appearance <= 5 s");
        context.WriteJson(new Dictionary<string, object>
        {
            ["drops"] = Drops,
            ["appearMedianSec"] = Math.Round(Median(appear), 3),
            ["appearP95Sec"] = Math.Round(P95(appear), 3),
            ["resultMedianSec"] = Math.Round(Median(done), 3),
            ["resultP95Sec"] = Math.Round(P95(done), 3),
        });
    }
}
