using System.Diagnostics;
using System.Runtime.InteropServices;
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
    private const int Size = 8192;
    private const int Bands = 4;

    public string Name => "ingest";

    public string Description => "tile + pyramid 8192x8192x4 Int16 vs gdal_translate -of COG (DEFLATE, 2 threads)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var options = new RasterOptions { GdalCacheMaxMb = 64, Compression = TileCompression.Deflate, MaxParallelism = Environment.ProcessorCount };
        var status = GdalRuntime.Initialize(options);
        context.Output.WriteLine($"GDAL {status.Version} ({status.Library}), {Environment.ProcessorCount} cores");

        var source = Path.Combine(context.ScratchDirectory, "terrain-8192x8192x4-int16.tif");
        if (!File.Exists(source))
        {
            var generate = Stopwatch.StartNew();
            Generate(source);
            context.Output.WriteLine($"generated {source} in {generate.Elapsed.TotalSeconds:F1} s");
        }

        var rawBytes = (double)Size * Size * Bands * sizeof(short);
        var rawMb = rawBytes / 1e6;

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
        RunGdalTranslate(source, cog);
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

    private static void RunGdalTranslate(string source, string target)
    {
        var start = new ProcessStartInfo("gdal_translate")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--config", "GDAL_CACHEMAX", "64", "-q", "-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "BLOCKSIZE=256", "-co", "NUM_THREADS=ALL_CPUS", source, target })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("gdal_translate did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"gdal_translate failed ({process.ExitCode}): {stderr.Result}");
        }
    }

    /// <summary>
    /// Deterministic terrain-like Int16 data (EPSG:32610, 30 m): value noise over several octaves (smooth large
    /// shapes, finer detail at lower amplitude) plus a little pixel noise, so it compresses like real elevation.
    /// Uncompressed and stripped.
    /// </summary>
    private static void Generate(string path)
    {
        var temp = path + ".tmp.tif";
        using (var dataset = GdalDataset.Create("GTiff", temp, Size, Size, Bands, RasterDataType.Int16, ["COMPRESS=NONE", "TILED=NO", "INTERLEAVE=PIXEL"]))
        {
            using var srs = SpatialReference.FromUserInput("EPSG:32610");
            dataset.SetGeoTransform(new GeoTransform(500_000, 30, 0, 4_200_000, 0, -30));
            dataset.SetProjection(srs.ToWkt());
            const int rows = 256;
            var buffer = new short[Size * rows * Bands];
            var bandMap = Enumerable.Range(1, Bands).ToArray();
            for (var y0 = 0; y0 < Size; y0 += rows)
            {
                Parallel.For(0, rows * Bands, i =>
                {
                    var band = i / rows;
                    var y = y0 + i % rows;
                    var line = buffer.AsSpan(band * Size * rows + (i % rows) * Size, Size);
                    for (var x = 0; x < Size; x++)
                    {
                        line[x] = Terrain(band, x, y);
                    }
                });
                dataset.DatasetIO(true, 0, y0, Size, rows, MemoryMarshal.AsBytes(buffer.AsSpan()), RasterDataType.Int16, bandMap);
            }

            dataset.Close();
        }

        File.Move(temp, path, overwrite: true);
    }

    private static short Terrain(int band, int x, int y)
    {
        double value = 0;
        double amplitude = 1200;
        for (var octave = 0; octave < 8; octave++)
        {
            var scale = 2048 >> octave;
            value += amplitude * ValueNoise(band * 16 + octave, x / (double)scale, y / (double)scale);
            amplitude *= 0.5;
        }

        value += Hash(band + 1000, x, y) * 4;
        return (short)Math.Clamp(Math.Round(value + 1500), short.MinValue, short.MaxValue);
    }

    private static double ValueNoise(int seed, double x, double y)
    {
        var x0 = (int)Math.Floor(x);
        var y0 = (int)Math.Floor(y);
        var fx = Smooth(x - x0);
        var fy = Smooth(y - y0);
        var top = Lerp(Hash(seed, x0, y0), Hash(seed, x0 + 1, y0), fx);
        var bottom = Lerp(Hash(seed, x0, y0 + 1), Hash(seed, x0 + 1, y0 + 1), fx);
        return Lerp(top, bottom, fy);
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);

    private static double Lerp(double a, double b, double t) => a + (b - a) * t;

    /// <summary>A deterministic hash of (seed, x, y) to [-1, 1].</summary>
    private static double Hash(int seed, int x, int y)
    {
        var h = (uint)seed * 0x9E3779B1u ^ (uint)x * 0x85EBCA77u ^ (uint)y * 0xC2B2AE3Du;
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        h *= 0x297A2D39u;
        h ^= h >> 15;
        return h / (double)uint.MaxValue * 2 - 1;
    }
}
