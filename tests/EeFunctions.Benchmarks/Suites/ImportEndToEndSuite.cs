using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using EeFunctions.App.Activities;
using EeFunctions.Raster;
using EeFunctions.Raster.Gdal;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EeFunctions.Testing;

namespace EeFunctions.Benchmarks.Suites;

/// <summary>
/// The whole import through HTTP, as a client sees it: the <c>ingest</c> suite's 8192×8192×4 Int16 file is staged in
/// a private Azurite before the clock starts, then <c>image:import</c> from <c>gs://</c> on the real service (a
/// separate Release process) is timed from the request until a poll sees SUCCEEDED. Stage times come from the Durable
/// history (activity scheduled → last completed). The anchor, in the same run on the same file, is what a user would
/// do instead: GDAL's best COG run (as the <c>ingest</c> suite runs it) plus uploading that COG to the same Azurite.
/// </summary>
internal sealed class ImportEndToEndSuite : IBenchmarkSuite
{
    private const string Project = "bench-project";
    private const string AssetPath = "bench/terrain";
    private const string SourcesContainer = "bench-sources";
    private const string AnchorContainer = "bench-anchor";
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_importTimeout = TimeSpan.FromMinutes(20);

    /// <summary>The stages: JSON key, the activity the orchestrator schedules for it, the Operation stage name.</summary>
    private static readonly (string Key, string Activity, string? OperationStage)[] s_stages =
    [
        ("inspect", InspectTilesetActivity.Name, "Inspect"),
        ("tile", TileRowsActivity.Name, "Tile"),
        ("pyramid", BuildParentsActivity.Name, "Pyramid"),
        ("register", RegisterImageActivity.Name, "Register"),
        ("cleanup", CleanupImportActivity.Name, null),
    ];

    public string Name => "import-e2e";

    public string Description => "image:import of the ingest file from gs:// on Azurite via HTTP vs gdal COG + upload";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        // Ctrl-C arrives as the token; a SIGTERM stops the run the same way, so the service and Azurite are stopped.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });

        var status = GdalRuntime.Initialize(new RasterOptions { GdalCacheMaxMb = 64 });
        context.Output.WriteLine($"GDAL {status.Version} ({status.Library}), {Environment.ProcessorCount} cores");
        var source = IngestInput.Ensure(IngestInput.IngestScratch(context.ScratchDirectory), context.Output);
        var run = Path.Combine(context.ScratchDirectory, "run-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(run);
        try
        {
            await RunInAsync(context, source, run, stop.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && stop.IsCancellationRequested)
        {
            // A terminal's Ctrl-C reaches Azurite and the service too, so the first thing to fail may be a call to them.
            throw new OperationCanceledException("Stopped by a signal.", ex, stop.Token);
        }
        finally
        {
            try
            {
                Directory.Delete(run, recursive: true);
            }
            catch (IOException ex)
            {
                context.Output.WriteLine($"could not delete {run}: {ex.Message}");
            }
        }
    }

    private static Task RunInAsync(BenchmarkContext context, string source, string run, CancellationToken cancellationToken) =>
        BenchService.RunAsync(context, run, Project, (azurite, http, systemKey) => RunWithServiceAsync(context, source, run, azurite, http, systemKey, cancellationToken), cancellationToken);

    private static async Task RunWithServiceAsync(BenchmarkContext context, string source, string run, AzuriteInstance azurite, HttpClient http, string systemKey, CancellationToken cancellationToken)
    {
        using (var health = await http.GetAsync(new Uri("/api/health", UriKind.Relative), cancellationToken))
        {
            if (health.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"The service is not healthy ({(int)health.StatusCode}): {await health.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        var sourceBytes = new FileInfo(source).Length;
        context.Output.WriteLine($"Azurite on ports {azurite.BlobPort}/{azurite.QueuePort}/{azurite.TablePort}, service on {http.BaseAddress}");

        // Staged before the clock starts.
        var sources = new BlobContainerClient(azurite.ConnectionString, SourcesContainer);
        await sources.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var staging = Stopwatch.StartNew();
        await UploadAsync(sources.GetBlobClient(IngestInput.FileName), source, cancellationToken);
        context.Output.WriteLine($"staged {sourceBytes / 1e6:F1} MB as gs://{SourcesContainer}/{IngestInput.FileName} in {staging.Elapsed.TotalSeconds:F2} s (not timed)");

        var loadBefore = LoadAverage();
        var import = await ImportAsync(http, $"gs://{SourcesContainer}/{IngestInput.FileName}", cancellationToken);
        var stages = await StageTimesAsync(http, import, systemKey, cancellationToken);
        var (tileBlobs, tileBytes) = await VerifyAssetAsync(http, azurite, cancellationToken);

        // The anchor, on the same file and the same Azurite, with the service idle.
        var cog = Path.Combine(run, "gdal-cog.tif");
        var gdal = Stopwatch.StartNew();
        await Task.Run(() => IngestInput.RunGdalCog(source, cog), cancellationToken);
        gdal.Stop();
        var cogBytes = new FileInfo(cog).Length;
        var anchorContainer = new BlobContainerClient(azurite.ConnectionString, AnchorContainer);
        await anchorContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var upload = Stopwatch.StartNew();
        await UploadAsync(anchorContainer.GetBlobClient("gdal-cog.tif"), cog, cancellationToken);
        upload.Stop();
        File.Delete(cog);

        var importSec = import.Elapsed.TotalSeconds;
        var gdalSec = gdal.Elapsed.TotalSeconds;
        var uploadSec = upload.Elapsed.TotalSeconds;
        var anchorSec = gdalSec + uploadSec;
        var ratio = importSec / anchorSec;
        var otherSec = importSec - stages.Sum(s => s.Seconds);
        var rawMb = IngestInput.RawBytes / 1e6;
        string F(double v) => BenchmarkContext.Format(v, 2);
        string Count(long v) => v.ToString(CultureInfo.InvariantCulture);

        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "import: POST image:import → poll sees SUCCEEDED", "0.00", F(importSec), F(importSec), "-", $"{Count(tileBlobs)} tiles, {Count(tileBytes)} bytes, {rawMb / importSec:F1} raw MB/s" },
        };
        rows.AddRange(stages.Select(s => (IReadOnlyList<string>)
        [
            $"  {s.Key} ({s.Activity} ×{s.Activities})", F(s.From), F(s.To), F(s.Seconds), s.PolledDone is { } p ? F(p) : "-", "first scheduled → last completed",
        ]));
        rows.Add(["  other: start, hand-offs between stages, completion, polling", "-", "-", F(otherSec), "-", "import − the stages above"]);
        rows.Add(["anchor a: gdal_translate -of COG (the ingest suite's run)", "-", "-", F(gdalSec), "-", $"{Count(cogBytes)} bytes, DEFLATE, ALL_CPUS, GDAL_CACHEMAX 64"]);
        rows.Add(["anchor b: upload of that COG to the same Azurite", "-", "-", F(uploadSec), "-", $"{cogBytes / 1e6 / uploadSec:F1} MB/s, Azure.Storage.Blobs"]);
        rows.Add(["anchor = a + b", "-", "-", F(anchorSec), "-", string.Empty]);
        context.WriteTable(["step", "from s", "to s", "wall s", "polled done s", "notes"], rows);
        context.Output.WriteLine($"load average before the import {loadBefore}, after the anchor {LoadAverage()}; \"polled done\" = when a 100 ms poll of the Operation first saw the stage complete");
        context.Output.WriteLine($"ratio = import / (gdal COG + COG upload) = {ratio:F2} (goal <= 2.5, stretch 1.5); import / gdal COG alone = {importSec / gdalSec:F2}");

        var figures = new Dictionary<string, object>
        {
            ["importSec"] = Math.Round(importSec, 3),
            ["gdalCogSec"] = Math.Round(gdalSec, 3),
            ["uploadSec"] = Math.Round(uploadSec, 3),
            ["anchorSec"] = Math.Round(anchorSec, 3),
            ["ratio"] = Math.Round(ratio, 3),
        };
        foreach (var stage in stages)
        {
            figures[stage.Key + "Sec"] = Math.Round(stage.Seconds, 3);
        }

        figures["otherSec"] = Math.Round(otherSec, 3);
        context.WriteJson(figures);
    }

    internal static async Task UploadAsync(BlobClient blob, string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        await blob.UploadAsync(stream, overwrite: true, cancellationToken);
    }

    /// <summary>Starts the import and polls its Operation until done; fails unless it SUCCEEDED.</summary>
    private static async Task<ImportRun> ImportAsync(HttpClient http, string uri, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["requestId"] = "import-e2e-" + Guid.NewGuid().ToString("N"),
            ["imageManifest"] = new JsonObject
            {
                ["name"] = $"projects/{Project}/assets/{AssetPath}",
                ["tilesets"] = new JsonArray(new JsonObject
                {
                    ["id"] = "terrain",
                    ["sources"] = new JsonArray(new JsonObject { ["uris"] = new JsonArray(uri) }),
                }),
            },
        };

        var polledDone = new Dictionary<string, double>(StringComparer.Ordinal);
        var requestUtc = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"/v1alpha/projects/{Project}/image:import", UriKind.Relative), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"image:import answered {(int)response.StatusCode}: {text}");
        }

        var operation = JsonNode.Parse(text) ?? throw new InvalidOperationException("image:import answered an empty body.");
        var name = operation["name"]?.GetValue<string>() ?? throw new InvalidOperationException($"image:import answered no operation name: {text}");
        var location = response.Headers.Location ?? throw new InvalidOperationException("image:import answered no Location (the Durable status URL).");
        RecordStages(operation, clock.Elapsed.TotalSeconds, polledDone);
        while (operation["done"]?.GetValue<bool>() != true)
        {
            if (clock.Elapsed > s_importTimeout)
            {
                throw new TimeoutException($"The import was not done after {s_importTimeout.TotalMinutes} min: {operation.ToJsonString()}");
            }

            await Task.Delay(s_pollInterval, cancellationToken);
            operation = await GetJsonAsync(http, new Uri("/v1/" + name, UriKind.Relative), null, cancellationToken);
            RecordStages(operation, clock.Elapsed.TotalSeconds, polledDone);
        }

        clock.Stop();
        var state = operation["metadata"]?["state"]?.GetValue<string>();
        if (state != "SUCCEEDED")
        {
            throw new InvalidOperationException($"The import ended {state ?? "(no state)"}, not SUCCEEDED: {operation["error"]?.ToJsonString() ?? operation.ToJsonString()}");
        }

        return new ImportRun(requestUtc, clock.Elapsed, location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location), polledDone);
    }

    /// <summary>Notes, per Operation stage, when a poll first saw all its work units complete (seconds since the request).</summary>
    private static void RecordStages(JsonNode operation, double seconds, Dictionary<string, double> polledDone)
    {
        if (operation["metadata"]?["stages"] is not JsonArray stages)
        {
            return;
        }

        foreach (var stage in stages)
        {
            var name = stage?["displayName"]?.GetValue<string>();
            if (name is not null && !polledDone.ContainsKey(name) && Units(stage!["completeWorkUnits"]) is { } done && done == Units(stage["totalWorkUnits"]))
            {
                polledDone[name] = seconds;
            }
        }
    }

    /// <summary>An int64 field, which Google's JSON may write as a string.</summary>
    private static long? Units(JsonNode? node) => node switch
    {
        null => 0,
        JsonValue v when v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>
    /// Per stage, from the Durable history (Durable HTTP API with the system key): the earliest TaskScheduled and the
    /// latest TaskCompleted of its activities, as seconds since the request.
    /// </summary>
    private static async Task<List<StageTime>> StageTimesAsync(HttpClient http, ImportRun import, string systemKey, CancellationToken cancellationToken)
    {
        var uri = new Uri(import.StatusUri.GetLeftPart(UriPartial.Path) + "?showHistory=true");
        var status = await GetJsonAsync(http, uri, systemKey, cancellationToken);
        if (status["historyEvents"] is not JsonArray history)
        {
            throw new InvalidOperationException($"The Durable status has no history: {status.ToJsonString()}");
        }

        var result = new List<StageTime>();
        foreach (var (key, activity, operationStage) in s_stages)
        {
            var completed = history
                .Where(e => e?["EventType"]?.GetValue<string>() == "TaskCompleted" && e["FunctionName"]?.GetValue<string>() == activity)
                .Select(e => (Scheduled: Time(e!["ScheduledTime"]), Completed: Time(e["Timestamp"])))
                .ToList();
            if (completed.Count == 0)
            {
                throw new InvalidOperationException($"The history has no completed {activity}; the stage names may have changed. Activities seen: " +
                    string.Join(", ", history.Select(e => e?["FunctionName"]?.GetValue<string>()).OfType<string>().Distinct()));
            }

            var from = (completed.Min(c => c.Scheduled) - import.RequestUtc).TotalSeconds;
            var to = (completed.Max(c => c.Completed) - import.RequestUtc).TotalSeconds;
            double? polled = operationStage is not null && import.PolledDone.TryGetValue(operationStage, out var p) ? p : null;
            result.Add(new StageTime(key, activity, completed.Count, from, to, polled));
        }

        return result;
    }

    private static DateTime Time(JsonNode? node) =>
        DateTime.Parse(node?.GetValue<string>() ?? throw new InvalidOperationException("A history event has no time."), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>GET the asset: it must be a 4-band 8192×8192 IMAGE, with its tiles in the tile container.</summary>
    private static async Task<(long Blobs, long Bytes)> VerifyAssetAsync(HttpClient http, AzuriteInstance azurite, CancellationToken cancellationToken)
    {
        var asset = await GetJsonAsync(http, new Uri($"/v1/projects/{Project}/assets/{AssetPath}", UriKind.Relative), null, cancellationToken);
        var bands = asset["bands"] as JsonArray;
        var dimensions = bands?.FirstOrDefault()?["grid"]?["dimensions"];
        if (asset["type"]?.GetValue<string>() != "IMAGE" || bands?.Count != IngestInput.Bands ||
            dimensions?["width"]?.GetValue<int>() != IngestInput.Size || dimensions?["height"]?.GetValue<int>() != IngestInput.Size)
        {
            throw new InvalidOperationException($"The imported asset is not the 4-band {IngestInput.Size}² image: {asset.ToJsonString()}");
        }

        // The service's default tile container (EarthEngine:TilesContainer).
        var tiles = new BlobContainerClient(azurite.ConnectionString, "eetiles");
        long blobs = 0, bytes = 0;
        await foreach (var item in tiles.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"tiles/{Project}/", cancellationToken))
        {
            blobs++;
            bytes += item.Properties.ContentLength ?? 0;
        }

        if (blobs == 0)
        {
            throw new InvalidOperationException("The import SUCCEEDED but the tile container holds no tiles of the asset.");
        }

        return (blobs, bytes);
    }

    internal static async Task<JsonNode> GetJsonAsync(HttpClient http, Uri uri, string? functionsKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (functionsKey is not null)
        {
            request.Headers.Add("x-functions-key", functionsKey);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {uri} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"GET {uri} answered an empty body.");
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private sealed record ImportRun(DateTime RequestUtc, TimeSpan Elapsed, Uri StatusUri, IReadOnlyDictionary<string, double> PolledDone);

    private sealed record StageTime(string Key, string Activity, int Activities, double From, double To, double? PolledDone)
    {
        public double Seconds => To - From;
    }
}
