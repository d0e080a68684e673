using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using EeFunctions.App.Activities;
using EeFunctions.Raster;
using EeFunctions.Raster.Gdal;
using EeFunctions.Testing;

namespace EeFunctions.Benchmarks.Suites;

/// <summary>
/// image:export through HTTP: NDVI, (b1 − b2) / (b1 + b2), of two 8192×8192 Int16 bands of an imported asset (the
/// <c>ingest</c> file's first two bands, imported before the clock starts), reprojected to EPSG:4326 nearest and
/// written as a COG into an Azurite container, timed from the request until a poll sees SUCCEEDED. The anchor, in the
/// same run: what a GDAL user runs for the same file, nested VRT pixel functions (diff, sum, div) and
/// <c>gdalwarp -t_srs EPSG:4326 -r near -of COG -multi -wo NUM_THREADS=ALL_CPUS</c>, plus uploading the COG to the
/// same Azurite. The export uses the anchor's output grid (crs + crsTransform + dimensions, as the Python client sends
/// them), and its pixels are compared with the anchor's on a sample of rows.
/// </summary>
internal sealed class ExportSuite : IBenchmarkSuite
{
    private const string Project = "bench-project";
    private const string AssetPath = "bench/ndvi-source";
    private const string SourcesContainer = "bench-sources";
    private const string Bucket = "bench-exports";
    private const string AnchorContainer = "bench-anchor";
    private const string SourceName = "ndvi-source-8192x8192x2-int16.tif";
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(20);

    public string Name => "export";

    public string Description => "image:export of an NDVI of two 8192² Int16 bands to EPSG:4326 COG in Azurite vs GDAL VRT + gdalwarp + upload";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });

        var status = GdalRuntime.Initialize(new RasterOptions { GdalCacheMaxMb = 64 });
        context.Output.WriteLine($"GDAL {status.Version} ({status.Library}), {Environment.ProcessorCount} cores");
        var ingest = IngestInput.Ensure(IngestInput.IngestScratch(context.ScratchDirectory), context.Output);
        var source = Path.Combine(context.ScratchDirectory, SourceName);
        if (!File.Exists(source))
        {
            Directory.CreateDirectory(context.ScratchDirectory);
            Run("gdal_translate", "-q", "-b", "1", "-b", "2", "-co", "TILED=YES", ingest, source + ".tmp.tif");
            File.Move(source + ".tmp.tif", source);
        }

        var run = Path.Combine(context.ScratchDirectory, "run-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(run);
        try
        {
            await RunInAsync(context, source, run, stop.Token);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }

    private static Task RunInAsync(BenchmarkContext context, string source, string run, CancellationToken cancellationToken) =>
        BenchService.RunAsync(context, run, Project, (azurite, http, systemKey) => RunWithServiceAsync(context, source, run, azurite, http, systemKey, cancellationToken), cancellationToken);

    private static async Task RunWithServiceAsync(BenchmarkContext context, string source, string run, AzuriteInstance azurite, HttpClient http, string systemKey, CancellationToken cancellationToken)
    {
        // Not timed: the source is staged and imported.
        var sources = new BlobContainerClient(azurite.ConnectionString, SourcesContainer);
        await sources.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await ImportEndToEndSuite.UploadAsync(sources.GetBlobClient(SourceName), source, cancellationToken);
        var import = Stopwatch.StartNew();
        await OperationAsync(http, "image:import", new JsonObject
        {
            ["imageManifest"] = new JsonObject
            {
                ["name"] = $"projects/{Project}/assets/{AssetPath}",
                ["tilesets"] = new JsonArray(new JsonObject { ["sources"] = new JsonArray(new JsonObject { ["uris"] = new JsonArray($"gs://{SourcesContainer}/{SourceName}") }) }),
            },
        }, cancellationToken);
        context.Output.WriteLine($"imported the source in {import.Elapsed.TotalSeconds:F1} s (not timed)");
        var bucket = new BlobContainerClient(azurite.ConnectionString, Bucket);
        await bucket.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

        // The anchor first: its output grid is the one the export is asked for.
        var vrt = WriteNdviVrt(run, source);
        var anchorCog = Path.Combine(run, "gdal-ndvi.tif");
        var loadBefore = ImportEndToEndSuite.LoadAverage();
        var gdal = Stopwatch.StartNew();
        Run("gdalwarp", "--config", "GDAL_CACHEMAX", "64", "-q", "-t_srs", "EPSG:4326", "-r", "near", "-of", "COG", "-multi", "-wo", "NUM_THREADS=ALL_CPUS", vrt, anchorCog);
        gdal.Stop();
        var anchorContainer = new BlobContainerClient(azurite.ConnectionString, AnchorContainer);
        await anchorContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var upload = Stopwatch.StartNew();
        await ImportEndToEndSuite.UploadAsync(anchorContainer.GetBlobClient("gdal-ndvi.tif"), anchorCog, cancellationToken);
        upload.Stop();
        var (transform, width, height) = Grid(anchorCog);

        var exportClock = Stopwatch.StartNew();
        var requestUtc = DateTime.UtcNow;
        var (_, statusUri) = await OperationAsync(http, "image:export", ExportBody(transform, width, height), cancellationToken);
        exportClock.Stop();
        var stages = await StageTimesAsync(http, statusUri, requestUtc, systemKey, cancellationToken);

        var ours = Path.Combine(run, "export-ndvi.tif");
        await bucket.GetBlobClient("ndvi.tif").DownloadToAsync(ours, cancellationToken);
        var (compared, differing) = Compare(anchorCog, ours, width, height);
        var oursBytes = new FileInfo(ours).Length;
        var anchorBytes = new FileInfo(anchorCog).Length;

        var exportSec = exportClock.Elapsed.TotalSeconds;
        var gdalSec = gdal.Elapsed.TotalSeconds;
        var uploadSec = upload.Elapsed.TotalSeconds;
        var anchorSec = gdalSec + uploadSec;
        var ratio = exportSec / anchorSec;
        string F(double v) => BenchmarkContext.Format(v, 2);
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "export: POST image:export → poll sees SUCCEEDED", F(exportSec), $"{width}x{height} Float32 COG, {oursBytes} bytes" },
        };
        rows.AddRange(stages.Select(s => (IReadOnlyList<string>)[$"  {s.Key} ({s.Activity} ×{s.Count})", F(s.Seconds), "first scheduled → last completed"]));
        rows.Add(["anchor a: VRT diff/sum/div + gdalwarp -t_srs EPSG:4326 -r near -of COG -multi", F(gdalSec), $"{anchorBytes} bytes"]);
        rows.Add(["anchor b: upload of that COG to the same Azurite", F(uploadSec), $"{anchorBytes / 1e6 / uploadSec:F1} MB/s"]);
        rows.Add(["anchor = a + b", F(anchorSec), string.Empty]);
        context.WriteTable(["step", "wall s", "notes"], rows);
        context.Output.WriteLine($"load average before the anchor {loadBefore}, after the export {ImportEndToEndSuite.LoadAverage()}");
        context.Output.WriteLine($"pixels compared on sampled rows: {compared}, differing from gdalwarp: {differing}");
        context.Output.WriteLine($"ratio = export / (gdal + upload) = {ratio:F2} (goal <= 1.0)");
        var figures = new Dictionary<string, object>
        {
            ["exportSec"] = Math.Round(exportSec, 3),
            ["gdalSec"] = Math.Round(gdalSec, 3),
            ["uploadSec"] = Math.Round(uploadSec, 3),
            ["anchorSec"] = Math.Round(anchorSec, 3),
            ["ratio"] = Math.Round(ratio, 3),
            ["pixelsCompared"] = compared,
            ["pixelsDiffering"] = differing,
        };
        foreach (var stage in stages)
        {
            figures[stage.Key + "Sec"] = Math.Round(stage.Seconds, 3);
        }

        context.WriteJson(figures);
    }

    /// <summary>ndvi = div(diff(b1, b2), sum(b1, b2)) as nested VRTs of pixel functions, in Float32.</summary>
    private static string WriteNdviVrt(string run, string source)
    {
        var (transform, width, height) = Grid(source);
        using var dataset = GdalDataset.Open(source);
        var wkt = System.Security.SecurityElement.Escape(dataset.ProjectionWkt);
        var geo = string.Join(", ", transform.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        string Band(int n, string function, params (string File, int Band)[] inputs) =>
            $"""
              <VRTRasterBand dataType="Float32" band="{n}" subClass="VRTDerivedRasterBand">
                <PixelFunctionType>{function}</PixelFunctionType>
                <SourceTransferType>Float64</SourceTransferType>
            {string.Concat(inputs.Select(i => $"    <SimpleSource><SourceFilename relativeToVRT=\"0\">{i.File}</SourceFilename><SourceBand>{i.Band}</SourceBand></SimpleSource>\n"))}  </VRTRasterBand>
            """;
        string Vrt(params string[] bands) =>
            $"""
            <VRTDataset rasterXSize="{width}" rasterYSize="{height}">
              <SRS>{wkt}</SRS>
              <GeoTransform>{geo}</GeoTransform>
            {string.Join("\n", bands)}
            </VRTDataset>
            """;
        var terms = Path.Combine(run, "terms.vrt");
        File.WriteAllText(terms, Vrt(Band(1, "diff", (source, 1), (source, 2)), Band(2, "sum", (source, 1), (source, 2))));
        var ndvi = Path.Combine(run, "ndvi.vrt");
        File.WriteAllText(ndvi, Vrt(Band(1, "div", (terms, 1), (terms, 2))));
        return ndvi;
    }

    private static JsonObject ExportBody(double[] t, int width, int height)
    {
        static JsonObject Call(string name, params (string Name, JsonNode Value)[] args)
        {
            var arguments = new JsonObject();
            foreach (var (n, v) in args)
            {
                arguments[n] = v;
            }

            return new JsonObject { ["functionInvocationValue"] = new JsonObject { ["functionName"] = name, ["arguments"] = arguments } };
        }

        static JsonObject Constant(JsonNode value) => new() { ["constantValue"] = value };
        JsonObject Band(string b) => Call("Image.select", ("input", Call("Image.load", ("id", Constant($"projects/{Project}/assets/{AssetPath}")))), ("bandSelectors", Constant(new JsonArray(b))));
        var ndvi = Call("Image.divide",
            ("image1", Call("Image.subtract", ("image1", Band("b1")), ("image2", Band("b2")))),
            ("image2", Call("Image.add", ("image1", Band("b1")), ("image2", Band("b2")))));
        var reprojected = Call("Image.reproject", ("image", ndvi), ("crs", Call("Projection", ("crs", Constant("EPSG:4326")))),
            ("crsTransform", Constant(new JsonArray(t[1], t[2], t[0], t[4], t[5], t[3]))));
        var window = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(0, 0, width, height))),
            ("crs", Call("Image.projection", ("image", new JsonObject { ["valueReference"] = "1" }))), ("geodesic", Constant(false)));
        return new JsonObject
        {
            ["expression"] = new JsonObject
            {
                ["result"] = "0",
                ["values"] = new JsonObject
                {
                    ["1"] = reprojected,
                    ["0"] = Call("Image.clipToBoundsAndScale", ("input", new JsonObject { ["valueReference"] = "1" }), ("geometry", window)),
                },
            },
            ["description"] = "ndvi",
            ["maxPixels"] = "10000000000",
            ["fileExportOptions"] = new JsonObject
            {
                ["fileFormat"] = "GEO_TIFF",
                ["cloudStorageDestination"] = new JsonObject { ["bucket"] = Bucket, ["filenamePrefix"] = "ndvi" },
                ["geoTiffOptions"] = new JsonObject { ["cloudOptimized"] = true },
            },
        };
    }

    /// <summary>POSTs an operation and polls it until done; fails unless it SUCCEEDED.</summary>
    private static async Task<(JsonNode Operation, Uri StatusUri)> OperationAsync(HttpClient http, string method, JsonObject body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"/v1/projects/{Project}/{method}", UriKind.Relative), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{method} answered {(int)response.StatusCode}: {text}");
        }

        var operation = JsonNode.Parse(text)!;
        var name = operation["name"]!.GetValue<string>();
        var location = response.Headers.Location!;
        var clock = Stopwatch.StartNew();
        while (operation["done"]?.GetValue<bool>() != true)
        {
            if (clock.Elapsed > s_timeout)
            {
                throw new TimeoutException($"{method} was not done after {s_timeout.TotalMinutes} min: {operation.ToJsonString()}");
            }

            await Task.Delay(s_pollInterval, cancellationToken);
            operation = await ImportEndToEndSuite.GetJsonAsync(http, new Uri("/v1/" + name, UriKind.Relative), null, cancellationToken);
        }

        var state = operation["metadata"]?["state"]?.GetValue<string>();
        return state == "SUCCEEDED"
            ? (operation, location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location))
            : throw new InvalidOperationException($"{method} ended {state}: {operation.ToJsonString()}");
    }

    private static async Task<List<(string Key, string Activity, int Count, double Seconds)>> StageTimesAsync(HttpClient http, Uri statusUri, DateTime requestUtc, string systemKey, CancellationToken cancellationToken)
    {
        var status = await ImportEndToEndSuite.GetJsonAsync(http, new Uri(statusUri.GetLeftPart(UriPartial.Path) + "?showHistory=true"), systemKey, cancellationToken);
        var history = status["historyEvents"]!.AsArray();
        var result = new List<(string, string, int, double)>();
        foreach (var (key, activity) in new[] { ("compute", ExportChunkActivity.Name), ("write", WriteExportFileActivity.Name), ("cleanup", CleanupExportActivity.Name) })
        {
            var done = history.Where(e => e?["EventType"]?.GetValue<string>() == "TaskCompleted" && e["FunctionName"]?.GetValue<string>() == activity)
                .Select(e => (Scheduled: Time(e!["ScheduledTime"]), Completed: Time(e["Timestamp"]))).ToList();
            if (done.Count > 0)
            {
                result.Add((key, activity, done.Count, (done.Max(d => d.Completed) - done.Min(d => d.Scheduled)).TotalSeconds));
            }
        }

        _ = requestUtc;
        return result;
    }

    private static DateTime Time(JsonNode? node) =>
        DateTime.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static (double[] Transform, int Width, int Height) Grid(string path)
    {
        using var dataset = GdalDataset.Open(path);
        var t = dataset.GetGeoTransform()!.Value;
        return (t.ToArray(), dataset.Width, dataset.Height);
    }

    /// <summary>Every 16th row of both files, value by value (NaN equal to NaN; 0 where the export masked a zero sum).</summary>
    private static (long Compared, long Differing) Compare(string anchor, string ours, int width, int height)
    {
        using var a = GdalDataset.Open(anchor);
        using var b = GdalDataset.Open(ours);
        var rowA = new byte[width * 4];
        var rowB = new byte[width * 4];
        long compared = 0, differing = 0;
        for (var y = 0; y < height; y += 16)
        {
            a.BandIO(a.Band(1), false, 0, y, width, 1, rowA, RasterDataType.Float32);
            b.BandIO(b.Band(1), false, 0, y, width, 1, rowB, RasterDataType.Float32);
            var va = MemoryMarshal.Cast<byte, float>(rowA);
            var vb = MemoryMarshal.Cast<byte, float>(rowB);
            for (var x = 0; x < width; x++)
            {
                compared++;
                var same = va[x] == vb[x] || (float.IsNaN(va[x]) && float.IsNaN(vb[x])) || (!float.IsFinite(va[x]) && vb[x] == 0);
                if (!same)
                {
                    if (differing++ < 5)
                    {
                        Console.WriteLine(FormattableString.Invariant($"  differs at ({x}, {y}): gdal {va[x]}, export {vb[x]}"));
                    }
                }
            }
        }

        return (compared, differing);
    }

    private static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {stderr.Result}");
        }
    }
}
