using System.Diagnostics;
using System.Runtime.InteropServices;
using EeFunctions.Raster;
using EeFunctions.Raster.Gdal;

namespace EeFunctions.Benchmarks.Suites;

/// <summary>
/// The input and the anchor shared by the <c>ingest</c> and <c>import-e2e</c> suites: an 8192×8192×4 Int16 GeoTIFF
/// (generated once, cached in the <c>ingest</c> suite's scratch folder) and GDAL's best COG run over it.
/// </summary>
internal static class IngestInput
{
    public const int Size = 8192;
    public const int Bands = 4;

    /// <summary>The uncompressed pixel bytes of the file.</summary>
    public const double RawBytes = (double)Size * Size * Bands * sizeof(short);

    public const string FileName = "terrain-8192x8192x4-int16.tif";

    /// <summary>
    /// The file in <paramref name="directory"/>, generated there when missing (GDAL must be initialised). Both suites
    /// pass the <c>ingest</c> scratch folder, so the 512 MiB are written once.
    /// </summary>
    public static string Ensure(string directory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        Directory.CreateDirectory(directory);
        var source = Path.Combine(directory, FileName);
        if (!File.Exists(source))
        {
            var generate = Stopwatch.StartNew();
            Generate(source);
            log.WriteLine($"generated {source} in {generate.Elapsed.TotalSeconds:F1} s");
        }

        return source;
    }

    /// <summary>The scratch folder of the <c>ingest</c> suite, beside <paramref name="scratchDirectory"/> (any suite's).</summary>
    public static string IngestScratch(string scratchDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(scratchDirectory))!, "ingest");

    /// <summary>
    /// GDAL at its best: <c>gdal_translate -of COG</c>, DEFLATE, 256 blocks, all CPUs, 64 MB cache.
    /// </summary>
    public static void RunGdalCog(string source, string target)
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
