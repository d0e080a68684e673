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

    /// <summary>
    /// GDAL configuration options set at initialisation, over <see cref="RemoteReadDefaults"/> (for example
    /// <c>Raster:GdalConfig:CPL_VSIL_CURL_CHUNK_SIZE</c>). An empty value removes a default.
    /// </summary>
    public Dictionary<string, string> GdalConfig { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How sources are read in place over HTTP (<c>/vsicurl/</c> with a SAS): no directory listing or sidecar
    /// probes (a source is one file), 1 MiB range requests so strips of a tiled file come in few round trips, a
    /// 128 MiB chunk cache, and retries for the transient errors of a storage service.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RemoteReadDefaults { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["GDAL_DISABLE_READDIR_ON_OPEN"] = "EMPTY_DIR",
        ["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"] = string.Empty,
        ["CPL_VSIL_CURL_CHUNK_SIZE"] = "1048576",
        ["CPL_VSIL_CURL_CACHE_SIZE"] = "134217728",
        ["GDAL_HTTP_MAX_RETRY"] = "4",
        ["GDAL_HTTP_RETRY_DELAY"] = "0.5",
        ["GDAL_HTTP_TIMEOUT"] = "120",
    };

    /// <summary>The configuration options GDAL is given: the defaults overlaid with <see cref="GdalConfig"/>.</summary>
    public IReadOnlyDictionary<string, string> EffectiveGdalConfig()
    {
        var effective = new Dictionary<string, string>(RemoteReadDefaults, StringComparer.Ordinal);
        foreach (var (key, value) in GdalConfig)
        {
            effective[key] = value;
        }

        return effective;
    }

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

        foreach (var key in GdalConfig.Keys)
        {
            if (key.Length == 0 || !key.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                throw new ArgumentException($"Invalid raster options: GdalConfig key '{key}' is not a GDAL configuration option name (upper-case letters, digits, '_').");
            }
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
