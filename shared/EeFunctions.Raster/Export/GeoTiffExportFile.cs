using System.Globalization;
using EeFunctions.Raster.Gdal;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.Raster.Export;

/// <summary>
/// One exported GeoTIFF being assembled on local disk from blocks written at any position: a tiled DEFLATE GeoTIFF,
/// or (cloud-optimized) a COG copied from an uncompressed tiled scratch file with overviews, both with the export's
/// internal tile size, band names and no-data value. <see cref="Finish"/> leaves the finished file at the path.
/// </summary>
public sealed class GeoTiffExportFile : IDisposable
{
    private readonly GdalDataset _dataset;
    private readonly string _path;
    private readonly string? _scratch;
    private readonly int _tileSize;
    private bool _finished;

    private GeoTiffExportFile(GdalDataset dataset, string path, string? scratch, int tileSize)
    {
        _dataset = dataset;
        _path = path;
        _scratch = scratch;
        _tileSize = tileSize;
    }

    public static GeoTiffExportFile Create(string path, TargetGrid grid, RasterDataType type, IReadOnlyList<string> bandNames, double? noData, int tileSize, bool cloudOptimized)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(bandNames);
        GdalRuntime.EnsureAvailable();
        var size = tileSize.ToString(CultureInfo.InvariantCulture);
        var scratch = cloudOptimized ? path + ".scratch.tif" : null;
        string[] options = cloudOptimized
            ? ["TILED=YES", "BLOCKXSIZE=" + size, "BLOCKYSIZE=" + size, "BIGTIFF=IF_SAFER", "INTERLEAVE=BAND"]
            : ["TILED=YES", "BLOCKXSIZE=" + size, "BLOCKYSIZE=" + size, "BIGTIFF=IF_SAFER", "COMPRESS=DEFLATE", "NUM_THREADS=ALL_CPUS", "INTERLEAVE=BAND"];
        var dataset = GdalDataset.Create("GTiff", scratch ?? path, grid.Width, grid.Height, bandNames.Count, type, options);
        try
        {
            dataset.SetGeoTransform(grid.Transform);
            if (grid.Crs is not null)
            {
                using var srs = SpatialReference.FromUserInput(grid.Crs);
                dataset.SetProjection(srs.ToWkt());
            }

            for (var b = 0; b < bandNames.Count; b++)
            {
                dataset.SetBandDescription(b + 1, bandNames[b]);
                if (noData is { } value)
                {
                    dataset.SetNoData(b + 1, value);
                }
            }

            return new GeoTiffExportFile(dataset, path, scratch, tileSize);
        }
        catch
        {
            dataset.Dispose();
            throw;
        }
    }

    /// <summary>Writes a block's bands (already holding the no-data value where masked) with its top-left at (x, y).</summary>
    public void Write(int x, int y, PixelBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        for (var b = 0; b < block.BandCount; b++)
        {
            _dataset.BandIO(_dataset.Band(b + 1), true, x, y, block.Width, block.Height, block.BandBytes(b), block.DataType);
        }
    }

    /// <summary>Closes the file; a cloud-optimized one is copied to its final COG layout (overviews, DEFLATE) first.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        if (_scratch is null)
        {
            _dataset.Close();
            return;
        }

        var size = _tileSize.ToString(CultureInfo.InvariantCulture);
        _dataset.CreateCopy("COG", _path, ["BLOCKSIZE=" + size, "COMPRESS=DEFLATE", "LEVEL=1", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER", "OVERVIEW_RESAMPLING=NEAREST"]);
        _dataset.Close();
        File.Delete(_scratch);
    }

    public void Dispose()
    {
        _dataset.Dispose();
        if (_scratch is not null && File.Exists(_scratch))
        {
            File.Delete(_scratch);
        }
    }
}
