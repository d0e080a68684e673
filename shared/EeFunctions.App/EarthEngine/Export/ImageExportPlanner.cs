using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Models;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;
using EeFunctions.App.Orchestrations;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Names;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.EarthEngine.Export;

/// <summary>
/// Turns an <c>image:export</c> request into an <see cref="ExportSpec"/>, refusing at submission (400, nothing
/// written) whatever can be known wrong then: options, destination, the expression (algorithms, arguments, assets),
/// the grid and the pixel count. Only pixel computation is left to the orchestration.
/// </summary>
public sealed partial class ImageExportPlanner(BlobServiceClient blobs, EeStorage storage, SourceResolver resolver, IOptions<EarthEngineOptions> options, IOptions<ImportApi.ImportApiOptions> importApi)
{
    /// <summary>Earth Engine's default cap on exported pixels.</summary>
    public const long DefaultMaxPixels = 100_000_000;

    private const string DefaultDescription = "myExportImageTask";
    private const int DefaultTileSize = 256;
    private const int ChunkTarget = 1024;

    /// <summary>Largest TFRecord patch or margin side: a patch with margins is held as doubles per band while encoded.</summary>
    private const int MaxPatchSide = 4096;

    /// <summary>Largest window one TFRecord chunk computes (a row of patches with margins).</summary>
    private const long MaxChunkPixels = 64L * 1024 * 1024;

    public async Task<ExportSpec> PlanAsync(string project, string operationId, ExportImageRequest request, IImageAssets assets, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(assets);
        CheckCommon(request);
        var maxPixels = request.MaxPixels ?? DefaultMaxPixels;
        if (maxPixels <= 0)
        {
            throw Invalid("maxPixels must be positive.");
        }

        if (request.FileExportOptions is null == request.AssetExportOptions is null)
        {
            throw Invalid(request.FileExportOptions is null
                ? "One of fileExportOptions or assetExportOptions is required."
                : "Only one of fileExportOptions and assetExportOptions may be set.");
        }

        var file = request.FileExportOptions;
        if (file is not null)
        {
            CheckFileOptions(file);
        }
        else
        {
            CheckAssetOptions(project, request.AssetExportOptions!);
        }

        var evaluator = ExpressionEvaluator.Parse(request.Expression, new ComputeContext(assets, cancellationToken));
        var image = await evaluator.EvaluateImageAsync();
        var grid = ExportGrid.Of(image, request.Grid, maxPixels);
        var type = ExportGrid.CommonType(image);
        if (file is null)
        {
            return await PlanAssetAsync(project, operationId, request, image, grid, type, now, cancellationToken);
        }
        if (file.FileFormat is ImageFileFormat.TfRecordImage)
        {
            return await PlanTfRecordAsync(project, operationId, request, image, grid, type, now, cancellationToken);
        }

        var geoTiff = file.GeoTiffOptions;
        var noData = NoData(geoTiff);
        if (noData is { } value && type.IsInteger() && !Holds(type, value))
        {
            // Earth Engine writes the no-data value the caller asked for: widen the type to hold it.
            type = value == Math.Floor(value)
                ? PixelType.Union(PixelType.Of(type), PixelType.Int(value, value)).Storage
                : RasterDataType.Float32;
        }

        var tileSize = geoTiff?.TileSize ?? DefaultTileSize;
        var destination = file.CloudStorageDestination ?? file.GcsDestination!;
        var container = await ContainerAsync(destination, cancellationToken);

        var files = Files(grid, Prefix(destination, request.Description), geoTiff?.TileDimensions);
        return Common(project, operationId, request, grid, type, image, now) with
        {
            Format = ExportSpec.GeoTiff,
            Bucket = destination.Bucket,
            Files = files,
            CloudOptimized = geoTiff?.CloudOptimized ?? false,
            NoData = noData,
            TileSize = tileSize,
            SkipEmptyFiles = geoTiff?.SkipEmptyFiles ?? false,
            DestinationUris = [.. files.Select(f => container.GetBlobClient(f.Name).Uri.ToString())],
            ChunkSize = Math.Max(tileSize, ChunkTarget / tileSize * tileSize),
        };
    }

    private async Task<ExportSpec> PlanAssetAsync(string project, string operationId, ExportImageRequest request, EeImage image, TargetGrid grid, RasterDataType type, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var asset = request.AssetExportOptions!;
        var (_, path) = EeNames.ParseAssetName(asset.EarthEngineDestination!.Name, "assetExportOptions.earthEngineDestination.name");
        var overwrite = asset.EarthEngineDestination.Overwrite ?? false;
        var names = image.BandNames;
        var unknown = asset.PyramidingPolicyOverrides?.Keys.FirstOrDefault(k => !names.Contains(k));
        if (unknown is not null)
        {
            throw Invalid($"assetExportOptions.pyramidingPolicyOverrides: '{unknown}' is not a band of the exported image (bands: {string.Join(", ", names)}).");
        }

        if (!overwrite && await storage.Catalog.GetAsync(project, path, cancellationToken) is not null)
        {
            throw new EarthEngineException(EeStatusCode.AlreadyExists, $"Cannot overwrite asset '{EeNames.AssetName(project, path)}': it already exists (set overwrite to true to replace it).");
        }

        static EeFunctions.EarthEngine.Models.PyramidingPolicy Effective(EeFunctions.EarthEngine.Models.PyramidingPolicy? policy) =>
            policy is null or EeFunctions.EarthEngine.Models.PyramidingPolicy.Unspecified ? EeFunctions.EarthEngine.Models.PyramidingPolicy.Mean : policy.Value;
        var policies = names.Select(n => Effective(asset.PyramidingPolicyOverrides?.GetValueOrDefault(n) ?? asset.PyramidingPolicy)).ToList();
        var (wkt, epsg) = RasterCrs.Normalize(grid.Crs!);
        var crsCode = epsg is { } code ? FormattableString.Invariant($"EPSG:{code}") : null;
        var tileSize = asset.TileSize ?? DefaultTileSize;
        var layout = new TilesetLayout
        {
            Width = grid.Width,
            Height = grid.Height,
            TileSize = tileSize,
            DataType = type,
            Bands = [.. names.Select((n, i) => new EeFunctions.Raster.Tiles.TilesetBand(n, Enum.Parse<EeFunctions.Raster.PyramidingPolicy>(policies[i].ToString())))],
            MaskPerBand = names.Count > 1,
            Transform = grid.Transform,
            CrsWkt = wkt,
        };
        var settings = options.Value;
        var policyName = (EeFunctions.EarthEngine.Models.PyramidingPolicy p) => EeFunctions.EarthEngine.Json.EeJson.Serialize(p).Trim('"');
        var registration = new ImportSpec
        {
            Project = project,
            AssetPath = path,
            OperationId = operationId,
            Description = request.Description ?? string.Empty,
            Overwrite = overwrite,
            CreateTime = now,
            Tilesets = [new SpecTileset("0", [], crsCode ?? wkt, null)],
            Bands = [.. names.Select((n, i) => new SpecBand(n, "0", i, policyName(policies[i]), null))],
            DefaultPolicy = policyName(Effective(asset.PyramidingPolicy)),
            ParentsPerActivity = settings.ParentsPerActivity,
            ReplacedTilesGrace = settings.ReplacedTilesGrace,
        };
        return Common(project, operationId, request, grid, type, image, now) with
        {
            Format = ExportSpec.Asset,
            Files = [new ExportFile(EeNames.AssetName(project, path), 0, 0, grid.Width, grid.Height)],
            TileSize = tileSize,
            DestinationUris = [EeNames.AssetName(project, path)],
            Registration = registration,
            Plan = new TilesetPlan("0", "0", [], null, layout, crsCode, 0, [.. names.Select(_ => (string?)null)]),
            ChunkSize = Math.Max(tileSize, ChunkTarget / tileSize * tileSize),
        };
    }

    private async Task<ExportSpec> PlanTfRecordAsync(string project, string operationId, ExportImageRequest request, EeImage image, TargetGrid grid, RasterDataType type, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var file = request.FileExportOptions!;
        var options = file.TfRecordOptions;
        var destination = file.CloudStorageDestination ?? file.GcsDestination!;
        var container = await ContainerAsync(destination, cancellationToken);
        var (pw, ph) = (options?.TileDimensions?.Width ?? DefaultTileSize, options?.TileDimensions?.Height ?? DefaultTileSize);
        var (mx, my) = (options?.MarginDimensions?.Width ?? 0, options?.MarginDimensions?.Height ?? 0);
        var (perRow, rows) = (grid.Width / pw, grid.Height / ph);
        if (perRow == 0 || rows == 0)
        {
            throw Invalid(FormattableString.Invariant($"tfRecordOptions.tileDimensions ({pw}x{ph}) do not fit in the export region ({grid.Width}x{grid.Height}): no patch would be written."));
        }

        var window = (perRow * (long)pw + 2 * mx) * (ph + 2L * my);
        if (window > MaxChunkPixels)
        {
            throw Invalid(FormattableString.Invariant($"A row of TFRecord patches with their margins is {window} pixels, more than {MaxChunkPixels} computed at once; export a narrower region or smaller patches."));
        }

        var prefix = Prefix(destination, request.Description);
        var layout = new TfRecordLayout(
            prefix, pw, ph, mx, my, perRow, rows,
            options?.Compress ?? false,
            options?.MaxSizeBytes ?? 1L << 30,
            options?.DefaultValue ?? 0,
            options?.MaxMaskedRatio ?? 1,
            (int)Math.Max(1, ChunkTarget * (long)ChunkTarget / window));
        return Common(project, operationId, request, grid, type, image, now) with
        {
            Format = ExportSpec.TfRecord,
            Bucket = destination.Bucket,
            DestinationUris = [container.GetBlobClient(prefix).Uri.ToString()],
            Records = layout,
        };
    }

    private static void CheckTfRecordOptions(TfRecordImageExportOptions? options)
    {
        if (options is null)
        {
            return;
        }

        if (options.TileDimensions is { } patch && (patch.Width is not (> 0 and <= MaxPatchSide) || patch.Height is not (> 0 and <= MaxPatchSide)))
        {
            throw Invalid($"tfRecordOptions.tileDimensions needs a width and height from 1 to {MaxPatchSide}.");
        }

        if (options.MarginDimensions is { } margin && (margin.Width is < 0 or > MaxPatchSide || margin.Height is < 0 or > MaxPatchSide))
        {
            throw Invalid($"tfRecordOptions.marginDimensions must be from 0 to {MaxPatchSide}.");
        }

        if (options.MaxSizeBytes is <= 0)
        {
            throw Invalid("tfRecordOptions.maxSizeBytes must be positive.");
        }

        if (options.MaxMaskedRatio is < 0 or > 1)
        {
            throw Invalid("tfRecordOptions.maxMaskedRatio must be between 0 and 1.");
        }

        if (options.SequenceData == true)
        {
            throw Invalid("tfRecordOptions.sequenceData is not supported by this server: patches are written as tf.Example.");
        }

        if (options.CollapseBands == true)
        {
            throw Invalid("tfRecordOptions.collapseBands is not supported by this server: each band is its own feature.");
        }

        if (options.TensorDepths is { Count: > 0 })
        {
            throw Invalid("tfRecordOptions.tensorDepths applies to array bands; this server exports scalar bands only.");
        }
    }

    private async Task<BlobContainerClient> ContainerAsync(CloudStorageDestination destination, CancellationToken cancellationToken)
    {
        if (IsReserved(destination.Bucket!))
        {
            throw Invalid($"cloudStorageDestination.bucket: '{destination.Bucket}' holds the service's own data and cannot receive exports; use a container of your own.");
        }

        var container = blobs.GetBlobContainerClient(destination.Bucket);
        return await container.ExistsAsync(cancellationToken)
            ? container
            : throw Invalid($"cloudStorageDestination.bucket: bucket '{destination.Bucket}' does not exist (a bucket is a blob container of the service's storage account; create it first).");
    }

    /// <summary>The service's containers: tiles, staging, the task hub's, blob drops and their results, the Import API's photos, the Functions host's.</summary>
    private bool IsReserved(string bucket) =>
        resolver.IsServiceContainer(bucket)
        || string.Equals(bucket, options.Value.DropContainer, StringComparison.OrdinalIgnoreCase)
        || string.Equals(bucket, options.Value.DropResultsContainer, StringComparison.OrdinalIgnoreCase)
        || string.Equals(bucket, importApi.Value.ImagesContainer, StringComparison.OrdinalIgnoreCase)
        || bucket.StartsWith("azure-webjobs-", StringComparison.OrdinalIgnoreCase)
        || bucket.EndsWith("-applease", StringComparison.OrdinalIgnoreCase);

    private static void CheckAssetOptions(string project, ImageAssetExportOptions asset)
    {
        var destination = asset.EarthEngineDestination ?? throw Invalid("assetExportOptions.earthEngineDestination is required.");
        if (string.IsNullOrEmpty(destination.Name))
        {
            throw Invalid("assetExportOptions.earthEngineDestination.name is required.");
        }

        var (target, _) = EeNames.ParseAssetName(destination.Name, "assetExportOptions.earthEngineDestination.name");
        if (target != project)
        {
            throw Invalid($"assetExportOptions.earthEngineDestination.name: the asset must be in project '{project}', the project the export runs in.");
        }

        var tileSize = asset.TileSize ?? DefaultTileSize;
        if (tileSize is < 16 or > 4096 || tileSize % 16 != 0)
        {
            throw Invalid($"assetExportOptions.tileSize must be a multiple of 16 from 16 to 4096, got {tileSize}.");
        }
    }

    /// <summary>What every export's spec holds, whatever its destination.</summary>
    private static ExportSpec Common(string project, string operationId, ExportImageRequest request, TargetGrid grid, RasterDataType type, EeImage image, DateTimeOffset now) => new()
    {
        Project = project,
        OperationId = operationId,
        Description = request.Description,
        CreateTime = now,
        Expression = request.Expression!.Value.GetRawText(),
        Grid = ExportGridSpec.From(grid),
        DataType = type,
        BandNames = image.BandNames,
        Format = ExportSpec.GeoTiff,
    };

    private static void CheckCommon(ExportImageRequest request)
    {
        if (request.Expression is not { ValueKind: JsonValueKind.Object })
        {
            throw Invalid("expression is required.");
        }

        if (request.Description is { Length: > 100 })
        {
            throw Invalid("description must be at most 100 characters.");
        }

        if (request.Priority is < 0 or > 9999)
        {
            throw Invalid("priority must be between 0 and 9999.");
        }

        if (request.WorkloadTag is { Length: > 0 } tag && !WorkloadTagPattern().IsMatch(tag))
        {
            throw Invalid($"Invalid workloadTag '{tag}': 1 to 63 characters of a-z, A-Z, 0-9, '_' and '-', starting and ending with a letter or digit.");
        }

        if (request.MaxWorkers is < 0)
        {
            throw Invalid("maxWorkers must not be negative.");
        }
    }

    private static void CheckFileOptions(ImageFileExportOptions file)
    {
        var format = file.FileFormat ?? ImageFileFormat.GeoTiff;
        if (format is ImageFileFormat.Unspecified)
        {
            format = ImageFileFormat.GeoTiff;
        }

        if (format is not (ImageFileFormat.GeoTiff or ImageFileFormat.TfRecordImage))
        {
            throw Invalid($"fileExportOptions.fileFormat: {EeFunctions.EarthEngine.Json.EeJson.Serialize(format).Trim('"')} cannot be exported; exports write GEO_TIFF or TF_RECORD_IMAGE.");
        }

        if (format is ImageFileFormat.TfRecordImage)
        {
            if (file.GeoTiffOptions is not null)
            {
                throw Invalid("fileExportOptions.geoTiffOptions can only be given with fileFormat GEO_TIFF.");
            }

            CheckTfRecordOptions(file.TfRecordOptions);
        }
        else if (file.TfRecordOptions is not null)
        {
            throw Invalid("fileExportOptions.tfRecordOptions can only be given with fileFormat TF_RECORD_IMAGE.");
        }

        if (file.DriveDestination is not null)
        {
            throw Invalid("fileExportOptions.driveDestination: exports to Google Drive are not supported by this server; use cloudStorageDestination (a container of the service's storage account).");
        }

        if (file.CloudStorageDestination is not null && file.GcsDestination is not null)
        {
            throw Invalid("Only one of fileExportOptions.cloudStorageDestination and gcsDestination may be set.");
        }

        var destination = file.CloudStorageDestination ?? file.GcsDestination
            ?? throw Invalid("fileExportOptions.cloudStorageDestination is required.");
        if (string.IsNullOrEmpty(destination.Bucket))
        {
            throw Invalid("cloudStorageDestination.bucket is required.");
        }

        if (!ContainerPattern().IsMatch(destination.Bucket) || destination.Bucket.Contains("--", StringComparison.Ordinal))
        {
            throw Invalid($"cloudStorageDestination.bucket: '{destination.Bucket}' is not a valid bucket name here (a blob container name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit).");
        }

        if (destination.FilenamePrefix is { } prefix && (prefix.Length > 900 || prefix.StartsWith('/') || prefix.Contains('\\', StringComparison.Ordinal)
            || prefix.Split('/').Any(s => s is "." or "..") || prefix.Any(char.IsControl)))
        {
            throw Invalid($"cloudStorageDestination.filenamePrefix '{prefix}' is not a valid object name prefix.");
        }

        if (destination.Permissions is { } permissions && permissions is not ("TILE_PERMISSIONS_UNSPECIFIED" or "DEFAULT_OBJECT_ACL"))
        {
            throw Invalid($"cloudStorageDestination.permissions: {permissions} is not supported (objects get the container's access).");
        }

        if (file.GeoTiffOptions is { } geoTiff)
        {
            var tileSize = geoTiff.TileSize ?? DefaultTileSize;
            if (tileSize is < 16 or > 4096 || tileSize % 16 != 0)
            {
                throw Invalid($"geoTiffOptions.tileSize must be a multiple of 16 from 16 to 4096, got {tileSize}.");
            }

            if (geoTiff.TileDimensions is { } dims)
            {
                if (dims.Width is not > 0 || dims.Height is not > 0)
                {
                    throw Invalid("geoTiffOptions.tileDimensions needs a positive width and height.");
                }

                if (dims.Width % tileSize != 0 || dims.Height % tileSize != 0)
                {
                    throw Invalid(FormattableString.Invariant($"geoTiffOptions.tileDimensions ({dims.Width}x{dims.Height}) must be multiples of the tile size ({tileSize})."));
                }
            }

            if (geoTiff.NoData is { } noData)
            {
                if (noData.IntegerValue is not null)
                {
                    throw Invalid("geoTiffOptions.noData: only floatValue is supported.");
                }

                if (noData.FloatValue is not { } v || double.IsInfinity(v))
                {
                    throw Invalid("geoTiffOptions.noData.floatValue must be a finite number.");
                }
            }
        }
    }

    private static double? NoData(GeoTiffImageExportOptions? options) => options?.NoData?.FloatValue;

    private static bool Holds(RasterDataType type, double value) =>
        value == Math.Floor(value) && value >= PixelType.Of(type).Min && value <= PixelType.Of(type).Max;

    /// <summary>The object name prefix: the description when none is given, a "directory/" prefix followed by it.</summary>
    private static string Prefix(CloudStorageDestination destination, string? description)
    {
        var name = string.IsNullOrEmpty(description) ? DefaultDescription : description;
        var prefix = string.IsNullOrEmpty(destination.FilenamePrefix) ? name : destination.FilenamePrefix;
        return prefix.EndsWith('/') ? prefix + name : prefix;
    }

    /// <summary>One file, <c>prefix.tif</c>, or files of tileDimensions each named by their offsets: <c>prefix-yMin-xMin.tif</c>.</summary>
    private static List<ExportFile> Files(TargetGrid grid, string prefix, GridDimensions? split)
    {
        var (fw, fh) = (split?.Width ?? grid.Width, split?.Height ?? grid.Height);
        if (fw >= grid.Width && fh >= grid.Height)
        {
            return [new ExportFile(prefix + ".tif", 0, 0, grid.Width, grid.Height)];
        }

        var files = new List<ExportFile>();
        for (var y = 0; y < grid.Height; y += fh)
        {
            for (var x = 0; x < grid.Width; x += fw)
            {
                files.Add(new ExportFile(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{y:D10}-{x:D10}.tif"), x, y, Math.Min(fw, grid.Width - x), Math.Min(fh, grid.Height - y)));
            }
        }

        return files;
    }

    private static EarthEngineException Invalid(string message) => new(EeStatusCode.InvalidArgument, message);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$")]
    private static partial Regex ContainerPattern();

    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?$")]
    private static partial Regex WorkloadTagPattern();
}
