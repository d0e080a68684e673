using System.Diagnostics;
using EeFunctions.Raster;
using EeFunctions.Raster.Gdal;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.Benchmarks.Suites;

/// <summary>
/// Ingest throughput: our tile + full pyramid pipeline (DEFLATE tiles on local disk, both cores) against GDAL's COG
/// writer at its best on the same 8192×8192×4 Int16 GeoTIFF (generated once, cached in the scratch folder).
/// </summary>
internal sealed class IngestSuite : IBenchmarkSuite
{
    public string Name => "ingest";

    public string Description => "tile + pyramid 8192x8192x4 Int16 vs gdal_translate -of COG (DEFLATE, 2 threads)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var options = new RasterOptions { GdalCacheMaxMb = 64, Compression = TileCompression.Deflate, MaxParallelism = Environment.ProcessorCount };
        var status = GdalRuntime.Initialize(options);
        context.Output.WriteLine($"GDAL {status.Version} ({status.Library}), {Environment.ProcessorCount} cores");

        var source = IngestInput.Ensure(context.ScratchDirectory, context.Output);
        var rawMb = IngestInput.RawBytes / 1e6;

        // (a) ours: tile + full pyramid in one process.
        var tilesRoot = Path.Combine(context.ScratchDirectory, "tiles");
        if (Directory.Exists(tilesRoot))
        {
            Directory.Delete(tilesRoot, recursive: true);
        }

        var tiler = new RasterTiler(options);
        var store = new LocalDirectoryTileStore(tilesRoot);
        var key = new TilesetKey("bench", "terrain", 1, "0");
        var ours = Stopwatch.StartNew();
        var layout = tiler.CreateLayout(source);
        var result = await tiler.TileAsync(source, layout, key, store, buildPyramid: true, cancellationToken);
        ours.Stop();

        // (b) GDAL at its best: COG writer, DEFLATE, 256 blocks, all CPUs, 64 MB cache.
        var cog = Path.Combine(context.ScratchDirectory, "gdal-cog.tif");
        File.Delete(cog);
        var gdal = Stopwatch.StartNew();
        IngestInput.RunGdalCog(source, cog);
        gdal.Stop();
        var cogBytes = new FileInfo(cog).Length;

        var oursSec = ours.Elapsed.TotalSeconds;
        var gdalSec = gdal.Elapsed.TotalSeconds;
        var ratio = oursSec / gdalSec;
        context.WriteTable(
            ["pipeline", "wall s", "raw MB/s", "output bytes", "files"],
            [
                ["ours: tile + pyramid (deflate tiles)", BenchmarkContext.Format(oursSec, 2), BenchmarkContext.Format(rawMb / oursSec), result.BytesWritten.ToString(System.Globalization.CultureInfo.InvariantCulture), result.TilesWritten.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                ["gdal_translate -of COG (deflate, ALL_CPUS)", BenchmarkContext.Format(gdalSec, 2), BenchmarkContext.Format(rawMb / gdalSec), cogBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), "1"],
            ]);
        context.Output.WriteLine($"levels {layout.LevelCount}, ratio ours/gdal {ratio:F2} (goal <= 1.0; > 1.5 is a defect)");
        context.WriteJson(new Dictionary<string, object>
        {
            ["oursSec"] = Math.Round(oursSec, 3),
            ["gdalCogSec"] = Math.Round(gdalSec, 3),
            ["ratio"] = Math.Round(ratio, 3),
            ["oursMBps"] = Math.Round(rawMb / oursSec, 1),
        });
    }
}
