using EeFunctions.Raster.Gdal;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.Raster.Tests;

/// <summary>GeoTIFFs generated for tests, and reference reads straight from GDAL.</summary>
internal static class TestRasters
{
    public const string Utm10Wkt = "EPSG:32610";

    /// <summary>Writes a GeoTIFF whose band b pixel (x, y) is <paramref name="value"/>(b, x, y), converted by GDAL.</summary>
    public static string Create(
        string directory, string name, int width, int height, int bands, RasterDataType type, Func<int, int, int, double> value,
        double? noData = null, GeoTransform? transform = null, string crs = Utm10Wkt, IEnumerable<string>? options = null)
    {
        var path = Path.Combine(directory, name);
        using var srs = SpatialReference.FromUserInput(crs);
        using var dataset = GdalDataset.Create("GTiff", path, width, height, bands, type, options ?? ["TILED=YES", "COMPRESS=DEFLATE"]);
        dataset.SetGeoTransform(transform ?? new GeoTransform(500_000, 30, 0, 4_200_000, 0, -30));
        dataset.SetProjection(srs.ToWkt());
        var rows = Math.Max(1, (1 << 22) / width);
        var buffer = new double[(long)width * rows];
        for (var b = 0; b < bands; b++)
        {
            if (noData is { } nd)
            {
                dataset.SetNoData(b + 1, nd);
            }

            for (var y0 = 0; y0 < height; y0 += rows)
            {
                var h = Math.Min(rows, height - y0);
                for (var y = 0; y < h; y++)
                {
                    for (var x = 0; x < width; x++)
                    {
                        buffer[y * width + x] = value(b, x, y0 + y);
                    }
                }

                dataset.BandIO(dataset.Band(b + 1), true, 0, y0, width, h, System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan(0, width * h)), RasterDataType.Float64);
            }
        }

        dataset.Close();
        return path;
    }

    /// <summary>All pixels of one band as doubles, read by GDAL.</summary>
    public static double[] ReadBand(string path, int band)
    {
        using var dataset = GdalDataset.Open(path);
        var values = new double[dataset.Width * dataset.Height];
        dataset.BandIO(dataset.Band(band), false, 0, 0, dataset.Width, dataset.Height, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()), RasterDataType.Float64);
        return values;
    }

    /// <summary>GDAL's mask of one band (0 or 255, or alpha values).</summary>
    public static byte[] ReadMask(string path, int band)
    {
        using var dataset = GdalDataset.Open(path);
        var values = new byte[dataset.Width * dataset.Height];
        dataset.BandIO(GdalApi.GDALGetMaskBand(dataset.Band(band)), false, 0, 0, dataset.Width, dataset.Height, values, RasterDataType.Byte);
        return values;
    }

    /// <summary>A tile's band as doubles.</summary>
    public static double Value(PixelBlock block, int band, int index) => block.DataType switch
    {
        RasterDataType.Byte => block.Band<byte>(band)[index],
        RasterDataType.UInt16 => block.Band<ushort>(band)[index],
        RasterDataType.Int16 => block.Band<short>(band)[index],
        RasterDataType.UInt32 => block.Band<uint>(band)[index],
        RasterDataType.Int32 => block.Band<int>(band)[index],
        RasterDataType.Float32 => block.Band<float>(band)[index],
        RasterDataType.Float64 => block.Band<double>(band)[index],
        _ => throw new NotSupportedException(),
    };
}

/// <summary>A temp folder deleted at dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eef-raster-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Tiles in memory, for tests.</summary>
internal sealed class MemoryTileStore : ITileStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _tiles = new();

    public int Count => _tiles.Count;

    public IEnumerable<string> Paths => _tiles.Keys;

    public Task WriteAsync(TileAddress address, ReadOnlyMemory<byte> tiff, CancellationToken cancellationToken)
    {
        _tiles[address.Path] = tiff.ToArray();
        return Task.CompletedTask;
    }

    public Task<byte[]?> ReadAsync(TileAddress address, CancellationToken cancellationToken) =>
        Task.FromResult(_tiles.TryGetValue(address.Path, out var bytes) ? bytes : null);
}
