using System.ComponentModel.DataAnnotations;

namespace EeFunctions.Raster;

/// <summary>Raster settings, bound from the <c>Raster</c> configuration section and validated at start.</summary>
public sealed class RasterOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Raster";

    /// <summary>Tile width and height in pixels; even, 16..4096.</summary>
    [Range(16, 4096)]
    public int TileSize { get; set; } = 256;

    /// <summary>GDAL's block cache in MiB (native memory, invisible to the GC). 64–256 measured best here.</summary>
    [Range(8, 8192)]
    public int GdalCacheMaxMb { get; set; } = 128;

    /// <summary><c>GDAL_NUM_THREADS</c> for GDAL's own encoders (COG): a number or <c>ALL_CPUS</c>.</summary>
    [Required]
    [RegularExpression("^(ALL_CPUS|[1-9][0-9]{0,2})$")]
    public string GdalNumThreads { get; set; } = "ALL_CPUS";

    /// <summary>How many tiles are encoded or pyramided at once; defaults to the processor count.</summary>
    [Range(1, 1024)]
    public int MaxParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Largest pixel count (width × height) of a source or of a window read.</summary>
    [Range(1L, long.MaxValue)]
    public long MaxPixels { get; set; } = 4_000_000_000;

    /// <summary>Largest width or height of a source or of a window read.</summary>
    [Range(1, int.MaxValue)]
    public int MaxDimension { get; set; } = 262_144;

    /// <summary>Tile compression.</summary>
    public TileCompression Compression { get; set; } = TileCompression.Deflate;

    /// <summary>Fail the host's start when GDAL is missing (default: keep running, report it in health).</summary>
    public bool RequireGdal { get; set; }

    /// <summary>An explicit libgdal path or soname tried before the built-in candidates.</summary>
    public string? GdalLibraryPath { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ArgumentException($"Invalid raster options: {string.Join("; ", results.Select(r => r.ErrorMessage))}");
        }

        if (TileSize % 2 != 0)
        {
            throw new ArgumentException($"Invalid raster options: TileSize must be even (got {TileSize}).");
        }

        if (!Enum.IsDefined(Compression))
        {
            throw new ArgumentException($"Invalid raster options: unknown Compression {Compression}.");
        }
    }
}

/// <summary>Tile compression codecs (GeoTIFF <c>COMPRESS=</c>).</summary>
public enum TileCompression
{
    /// <summary>DEFLATE at its default level, no predictor.</summary>
    Deflate = 0,

    /// <summary>LZW.</summary>
    Lzw = 1,

    /// <summary>ZSTD.</summary>
    Zstd = 2,

    /// <summary>Uncompressed.</summary>
    None = 3,
}
