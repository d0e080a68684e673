using EeFunctions.App.Orchestrations;
using EeFunctions.EarthEngine.Import;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;

namespace EeFunctions.App.EarthEngine.Export;

/// <summary>The output grid of an export, serializable into the orchestration's input.</summary>
public sealed record ExportGridSpec(string Crs, IReadOnlyList<double> Transform, int Width, int Height)
{
    public static ExportGridSpec From(TargetGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return new ExportGridSpec(grid.Crs ?? throw new ArgumentException("An export grid has a CRS.", nameof(grid)), grid.Transform.ToArray(), grid.Width, grid.Height);
    }

    public TargetGrid ToGrid() => new(Crs, GeoTransform.FromArray(Transform), Width, Height);

    /// <summary>The grid of a window of this grid.</summary>
    public TargetGrid Window(int x, int y, int width, int height) => new(Crs, GeoTransform.FromArray(Transform).Offset(x, y), width, height);
}

/// <summary>One output file: its object name in the bucket and its window of the output grid.</summary>
public sealed record ExportFile(string Name, int X, int Y, int Width, int Height);

/// <summary>
/// One unit of the compute fan-out: a window of one file, aligned to the file's internal tiles; for TFRecord, the
/// window (margins included) of <paramref name="PatchRowCount"/> rows of patches from <paramref name="FirstPatchRow"/>.
/// </summary>
public sealed record ExportChunk(int File, int X, int Y, int Width, int Height, int FirstPatchRow = 0, int PatchRowCount = 0)
{
    /// <summary>Its staging blob under the operation's prefix (where an import's staging is, so one cleanup serves both).</summary>
    public string StagingName(string operationId) => FormattableString.Invariant($"{operationId}/export/{File}/{Y}-{X}");
}

/// <summary>
/// A validated <c>image:export</c>: the expression (re-evaluated by each activity), the grid and pixel type it is
/// written with, and the destination: files in a bucket (GeoTIFF) or an asset.
/// </summary>
public sealed record ExportSpec
{
    public const string GeoTiff = "GEO_TIFF";
    public const string TfRecord = "TF_RECORD_IMAGE";
    public const string Asset = "ASSET";

    public required string Project { get; init; }

    public required string OperationId { get; init; }

    public string? Description { get; init; }

    public required DateTimeOffset CreateTime { get; init; }

    /// <summary>The request's expression as JSON.</summary>
    public required string Expression { get; init; }

    public required ExportGridSpec Grid { get; init; }

    public required RasterDataType DataType { get; init; }

    public required IReadOnlyList<string> BandNames { get; init; }

    /// <summary><see cref="GeoTiff"/> or <see cref="Asset"/>.</summary>
    public required string Format { get; init; }

    /// <summary>The container files are written to.</summary>
    public string? Bucket { get; init; }

    public IReadOnlyList<ExportFile> Files { get; init; } = [];

    public bool CloudOptimized { get; init; }

    /// <summary>The value masked pixels get in files (null: 0 and no no-data tag).</summary>
    public double? NoData { get; init; }

    public int TileSize { get; init; } = 256;

    public bool SkipEmptyFiles { get; init; }

    /// <summary>What the Operation lists as its destinations.</summary>
    public IReadOnlyList<string> DestinationUris { get; init; } = [];

    /// <summary>A TFRecord export: its patches and files.</summary>
    public TfRecordLayout? Records { get; init; }

    /// <summary>An asset export: the asset as an import of it would register it (bands, policies, overwrite).</summary>
    public ImportSpec? Registration { get; init; }

    /// <summary>An asset export: the tileset the pixels are tiled into (level 0 from the chunks, then the pyramid).</summary>
    public TilesetPlan? Plan { get; init; }

    /// <summary>The side of a compute chunk in pixels (a multiple of the tile size).</summary>
    public int ChunkSize { get; init; } = 1024;

    /// <summary>The compute fan-out: every file cut into tile-aligned chunks, in file then row order.</summary>
    public IReadOnlyList<ExportChunk> Chunks()
    {
        var chunks = new List<ExportChunk>();
        if (Records is { } r)
        {
            for (var row = 0; row < r.PatchRows; row += r.PatchRowsPerChunk)
            {
                var rows = Math.Min(r.PatchRowsPerChunk, r.PatchRows - row);
                chunks.Add(new ExportChunk(0, -r.MarginX, row * r.PatchHeight - r.MarginY, r.PatchesPerRow * r.PatchWidth + 2 * r.MarginX, rows * r.PatchHeight + 2 * r.MarginY, row, rows));
            }

            return chunks;
        }

        for (var f = 0; f < Files.Count; f++)
        {
            var file = Files[f];
            for (var y = 0; y < file.Height; y += ChunkSize)
            {
                for (var x = 0; x < file.Width; x += ChunkSize)
                {
                    chunks.Add(new ExportChunk(f, file.X + x, file.Y + y, Math.Min(ChunkSize, file.Width - x), Math.Min(ChunkSize, file.Height - y)));
                }
            }
        }

        return chunks;
    }
}

/// <summary>
/// A TFRecord export's patches (each <paramref name="PatchWidth"/>×<paramref name="PatchHeight"/> plus margins, row
/// by row; border patches that do not fit are dropped) and files (<paramref name="Prefix"/><c>-00000.tfrecord</c>…,
/// a new one past <paramref name="MaxSizeBytes"/> uncompressed, gzip with <paramref name="Compress"/>).
/// </summary>
public sealed record TfRecordLayout(
    string Prefix,
    int PatchWidth,
    int PatchHeight,
    int MarginX,
    int MarginY,
    int PatchesPerRow,
    int PatchRows,
    bool Compress,
    long MaxSizeBytes,
    double DefaultValue,
    double MaxMaskedRatio,
    int PatchRowsPerChunk)
{
    /// <summary>The name of shard <paramref name="index"/>.</summary>
    public string ShardName(int index) => FormattableString.Invariant($"{Prefix}-{index:D5}.tfrecord{(Compress ? ".gz" : string.Empty)}");

    /// <summary>The JSON sidecar describing where the patches lie.</summary>
    public string MixerName => Prefix + "mixer.json";
}

/// <summary>One chunk to compute; <paramref name="Generation"/> is the tile generation an asset export writes.</summary>
public sealed record ExportChunkInput(ExportSpec Spec, ExportChunk Chunk, long Generation = 0);

public sealed record WriteExportFileInput(ExportSpec Spec, int File, bool HasData);

/// <summary>Removes an export's staging blobs and, when it did not succeed, the files it wrote.</summary>
public sealed record CleanupExportInput(ExportSpec Spec, bool DeleteOutputs);
