using System.ComponentModel.DataAnnotations;

namespace EeFunctions.App.EarthEngine;

/// <summary>Where the Earth Engine API keeps assets, tiles and staged downloads, and the limits of an import.</summary>
public sealed class EarthEngineOptions
{
    public const string SectionName = "EarthEngine";

    /// <summary>The table of asset rows (one per asset, partitioned by project).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string AssetsTable { get; set; } = "eeassets";

    /// <summary>The container of the tile store.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")]
    public string TilesContainer { get; set; } = "eetiles";

    /// <summary>The container http(s) sources are downloaded to before ingestion.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")]
    public string StagingContainer { get; set; } = "eestaging";

    /// <summary>Level-0 tile rows per Tile activity.</summary>
    [Range(1, 1024)]
    public int TileRowsPerActivity { get; set; } = 4;

    /// <summary>Parent tiles per Pyramid activity.</summary>
    [Range(1, 4096)]
    public int ParentsPerActivity { get; set; } = 16;

    /// <summary>Largest source file (bytes) an import reads or downloads.</summary>
    [Range(1L, long.MaxValue)]
    public long MaxSourceBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>How long one http(s) download may take.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Allow http(s) sources on loopback, private and link-local addresses (tests, private networks).</summary>
    public bool AllowPrivateNetworkSources { get; set; }

    /// <summary>Largest getPixels answer, uncompressed (width × height × bands × bytes per sample).</summary>
    [Range(1L, long.MaxValue)]
    public long MaxGetPixelsBytes { get; set; } = 48L * 1024 * 1024;

    /// <summary>
    /// How long the tiles an overwrite replaced are kept after the flip, so a getPixels that read the old row still
    /// finds every tile it needs.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan ReplacedTilesGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long after a Durable API terminate (and between sweeps) the import's staging and tiles are removed.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan TerminatedCleanupDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest operations.wait.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Where VRTs over several sources are written, and where sources are copied when they cannot be read in place
    /// (the storage client has no account key to sign a SAS with); default: a folder in the temp directory.
    /// </summary>
    public string? LocalCacheDirectory { get; set; }

    /// <summary>
    /// Largest source an import's tiling reads from a local copy (downloaded once, in parallel ranges) rather than by
    /// GDAL's range reads; larger ones are read in place, so the copies stay within the disk. 0: always in place.
    /// </summary>
    [Range(0L, long.MaxValue)]
    public long WholeReadCopyMaxBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Largest total size of the local source copies; the least recently written go first.</summary>
    [Range(1L, long.MaxValue)]
    public long LocalCacheMaxBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>Whether the blob-drop trigger watches <see cref="DropContainer"/> (default true).</summary>
    public bool DropEnabled { get; set; } = true;

    /// <summary>The container the blob-drop trigger watches: a GeoTIFF or a manifest dropped here becomes an import.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")]
    public string DropContainer { get; set; } = "ee-drop";

    /// <summary>Where each drop's <c>{name}.result.json</c> is written (never into the watched container).</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")]
    public string DropResultsContainer { get; set; } = "ee-drop-results";

    /// <summary>Whether a drop replaces an existing asset of its name (default false: the import fails ALREADY_EXISTS).</summary>
    public bool DropOverwrite { get; set; }
}
