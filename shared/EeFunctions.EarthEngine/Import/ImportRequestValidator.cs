using System.Text.RegularExpressions;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;

namespace EeFunctions.EarthEngine.Import;

/// <summary>
/// Checks an <c>image:import</c> request before anything starts: asset name (in the URL's project), tileset ids,
/// band references, URIs, CRS strings, transforms, request id. Every problem is an INVALID_ARGUMENT naming the field.
/// Checks that need the files (band counts, CRS present, sources agree) run in the orchestration.
/// </summary>
public static partial class ImportRequestValidator
{
    public static ImportSpec Validate(string project, ImportImageRequest request, string operationId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        EeNames.ValidateRequestId(request.RequestId);
        var manifest = request.ImageManifest ?? throw Invalid("imageManifest is required.");
        var (assetProject, path) = EeNames.ParseAssetName(manifest.Name, "imageManifest.name");
        if (assetProject != project)
        {
            throw Invalid($"imageManifest.name '{manifest.Name}' is in project '{assetProject}', but the request is for project '{project}'.");
        }

        if (request.Mode is ImportMode.Virtual)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "mode VIRTUAL is not supported; use INGEST (or image:importExternal).");
        }

        var skipMetadataRead = manifest.SkipMetadataRead ?? false;
        var tilesets = ValidateTilesets(manifest, skipMetadataRead);
        var bands = ValidateBands(manifest, tilesets);
        var maskBands = ValidateMaskBands(manifest, tilesets, bands);
        ValidateTimes(manifest);
        var defaultPolicy = PolicyName(manifest.PyramidingPolicy);
        return new ImportSpec
        {
            Project = project,
            AssetPath = path,
            OperationId = operationId,
            Description = string.IsNullOrEmpty(request.Description) ? $"Ingest image: \"{manifest.Name}\"" : request.Description,
            Overwrite = request.Overwrite ?? false,
            CreateTime = now,
            Tilesets = tilesets,
            Bands = bands,
            DefaultPolicy = defaultPolicy,
            MissingData = manifest.MissingData?.Values,
            SkipMetadataRead = skipMetadataRead,
            MaskBands = maskBands,
            PropertiesJson = manifest.Properties is null ? null : EeJson.Serialize(manifest.Properties),
            StartTime = manifest.StartTime,
            EndTime = manifest.EndTime,
        };
    }

    private static List<SpecTileset> ValidateTilesets(ImageManifest manifest, bool skipMetadataRead)
    {
        if (manifest.Tilesets is not { Count: > 0 })
        {
            throw Invalid("imageManifest.tilesets is required: at least one tileset with at least one source.");
        }

        var result = new List<SpecTileset>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var t = 0; t < manifest.Tilesets.Count; t++)
        {
            var tileset = manifest.Tilesets[t];
            var field = $"imageManifest.tilesets[{t}]";
            var id = tileset.Id ?? string.Empty;
            if (!ids.Add(id))
            {
                throw Invalid($"{field}.id '{id}' is used by more than one tileset; tileset ids must be unique.");
            }

            if (id.Length > 0 && !TilesetIdPattern().IsMatch(id))
            {
                throw Invalid($"{field}.id '{id}' is not valid: up to 100 letters, digits, '_' or '-'.");
            }

            if (tileset.Sources is not { Count: > 0 })
            {
                throw Invalid($"{field}.sources is required: at least one source.");
            }

            if (tileset.Crs is { } crs && !IsCrs(crs))
            {
                throw Invalid($"{field}.crs '{Shorten(crs)}' is not a CRS: give a code such as EPSG:4326 or a WKT definition.");
            }

            if (tileset.SubdatasetPrefix is not null || tileset.SubdatasetSuffix is not null)
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"{field}: subdatasetPrefix/subdatasetSuffix are not supported.");
            }

            var dataType = ValidateDataType(tileset.DataType, field);
            if (skipMetadataRead && (tileset.Crs is null || dataType is null))
            {
                throw Invalid($"{field}: with imageManifest.skipMetadataRead the tileset must give its crs and dataType, since the files' own are not read.");
            }

            var uris = new List<string>();
            var transforms = new List<IReadOnlyList<double>?>();
            var dimensions = new List<SpecDimensions?>();
            for (var s = 0; s < tileset.Sources.Count; s++)
            {
                var source = tileset.Sources[s];
                var sourceField = $"{field}.sources[{s}]";
                if (source.Uris is not { Count: > 0 } || string.IsNullOrWhiteSpace(source.Uris[0]))
                {
                    throw Invalid($"{sourceField}.uris is required: the URI of the source file.");
                }

                var uri = (manifest.UriPrefix ?? string.Empty) + source.Uris[0];
                CheckUri(uri, $"{sourceField}.uris[0]");
                if (source.AffineTransform is { } a)
                {
                    var (sx, hx, tx, hy, sy, ty) = (a.ScaleX ?? 0, a.ShearX ?? 0, a.TranslateX ?? 0, a.ShearY ?? 0, a.ScaleY ?? 0, a.TranslateY ?? 0);
                    if (sx * sy - hx * hy == 0 || !double.IsFinite(sx) || !double.IsFinite(sy) || !double.IsFinite(tx) || !double.IsFinite(ty) || !double.IsFinite(hx) || !double.IsFinite(hy))
                    {
                        throw Invalid($"{sourceField}.affineTransform is not invertible: scaleX and scaleY must be non-zero numbers.");
                    }

                    transforms.Add([tx, sx, hx, ty, hy, sy]);
                }
                else
                {
                    transforms.Add(null);
                }

                if (source.Dimensions is { } d && (d.Width is <= 0 || d.Height is <= 0))
                {
                    throw Invalid($"{sourceField}.dimensions must be positive.");
                }

                if (skipMetadataRead && (source.AffineTransform is null || source.Dimensions is not { Width: > 0, Height: > 0 }))
                {
                    throw Invalid($"{sourceField}: with imageManifest.skipMetadataRead each source must give its affineTransform and dimensions (width and height), since the files' own are not read.");
                }

                // EE uses dimensions only with skipMetadataRead; otherwise the file's size stands.
                dimensions.Add(skipMetadataRead ? new SpecDimensions(source.Dimensions!.Width!.Value, source.Dimensions.Height!.Value) : null);

                uris.Add(uri);
            }

            result.Add(new SpecTileset(id, uris, tileset.Crs, dataType, transforms.Any(t => t is not null) ? transforms : null, skipMetadataRead ? dimensions : null));
        }

        return result;
    }

    /// <summary>The proto name of a tileset's dataType, or null when unspecified; types the tiles cannot hold are refused.</summary>
    private static string? ValidateDataType(DataType? type, string field) => type switch
    {
        null or DataType.Unspecified => null,
        DataType.Int8 => throw Invalid($"{field}.dataType INT8 is not supported: tiles cannot store signed 8-bit pixels; use INT16 to keep the values."),
        DataType.UInt8 => "UINT8",
        DataType.Int16 => "INT16",
        DataType.UInt16 => "UINT16",
        DataType.Int32 => "INT32",
        DataType.UInt32 => "UINT32",
        DataType.Float => "FLOAT",
        DataType.Double => "DOUBLE",
        _ => throw Invalid($"{field}.dataType {type} is not a known data type."),
    };

    private static List<SpecBand>? ValidateBands(ImageManifest manifest, List<SpecTileset> tilesets)
    {
        if (manifest.Bands is null || manifest.Bands.Count == 0)
        {
            return null;
        }

        var result = new List<SpecBand>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var used = new HashSet<(string, int)>();
        for (var b = 0; b < manifest.Bands.Count; b++)
        {
            var band = manifest.Bands[b];
            var field = $"imageManifest.bands[{b}]";
            if (string.IsNullOrEmpty(band.Id) || !BandIdPattern().IsMatch(band.Id))
            {
                throw Invalid($"{field}.id '{band.Id}' is not a valid band id: 1 to 100 letters, digits, '_' or '-'.");
            }

            if (!ids.Add(band.Id))
            {
                throw Invalid($"{field}.id '{band.Id}' is used by more than one band.");
            }

            var tilesetId = band.TilesetId ?? string.Empty;
            if (!tilesets.Any(t => t.Id == tilesetId))
            {
                throw Invalid($"{field}.tilesetId '{tilesetId}' (band '{band.Id}') does not name a tileset of the manifest.");
            }

            var index = band.TilesetBandIndex ?? 0;
            if (index < 0)
            {
                throw Invalid($"{field}.tilesetBandIndex {index} (band '{band.Id}') must not be negative.");
            }

            if (!used.Add((tilesetId, index)))
            {
                throw Invalid($"{field} (band '{band.Id}') uses band {index} of tileset '{tilesetId}', which another band already uses.");
            }

            var policy = band.PyramidingPolicy is null or PyramidingPolicy.Unspecified ? PolicyName(manifest.PyramidingPolicy) : PolicyName(band.PyramidingPolicy);
            result.Add(new SpecBand(band.Id, tilesetId, index, policy, band.MissingData?.Values ?? manifest.MissingData?.Values));
        }

        if (manifest.Footprint?.BandId is { Length: > 0 } footprintBand && !ids.Contains(footprintBand))
        {
            throw Invalid($"imageManifest.footprint.bandId '{footprintBand}' does not name a band of the manifest.");
        }

        return result;
    }

    private static List<SpecMaskBand>? ValidateMaskBands(ImageManifest manifest, List<SpecTileset> tilesets, List<SpecBand>? bands)
    {
        if (manifest.MaskBands is not { Count: > 0 })
        {
            return null;
        }

        var result = new List<SpecMaskBand>();
        var masked = new HashSet<string>(StringComparer.Ordinal);
        for (var m = 0; m < manifest.MaskBands.Count; m++)
        {
            var mask = manifest.MaskBands[m];
            var field = $"imageManifest.maskBands[{m}]";
            var tilesetId = mask.TilesetId ?? string.Empty;
            if (!tilesets.Any(t => t.Id == tilesetId))
            {
                throw Invalid($"{field}.tilesetId '{tilesetId}' does not name a tileset of the manifest.");
            }

            var ids = mask.BandIds ?? [];
            if (ids.Count == 0 && manifest.MaskBands.Count > 1)
            {
                throw Invalid($"{field}.bandIds is empty (all bands), but another mask band is given; each band has at most one mask band.");
            }

            foreach (var id in ids)
            {
                if (bands is not null && !bands.Any(b => b.Id == id))
                {
                    throw Invalid($"{field}.bandIds names band '{id}', which is not a band of the manifest.");
                }

                if (!masked.Add(id))
                {
                    throw Invalid($"{field}.bandIds: band '{id}' already has a mask band.");
                }
            }

            result.Add(new SpecMaskBand(tilesetId, [.. ids]));
        }

        return result;
    }

    private static void ValidateTimes(ImageManifest manifest)
    {
        if (manifest.StartTime is { } start && manifest.EndTime is { } end && end < start)
        {
            throw Invalid("imageManifest.endTime is before imageManifest.startTime.");
        }
    }

    private static void CheckUri(string uri, string field)
    {
        if (uri.StartsWith("gs://", StringComparison.Ordinal))
        {
            var rest = uri[5..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == rest.Length - 1)
            {
                throw Invalid($"{field} '{uri}' is not a valid gs:// URI: expected gs://bucket/object.");
            }

            return;
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(parsed.Host))
        {
            throw Invalid($"{field} '{uri}' is not a supported URI: use gs://bucket/object, a blob URL of this service's storage account, or http(s)://.");
        }
    }

    private static bool IsCrs(string crs) =>
        CrsCodePattern().IsMatch(crs) ||
        (crs.Length > 20 && crs.TrimStart().StartsWith("PROJCS[", StringComparison.OrdinalIgnoreCase)) ||
        (crs.Length > 20 && crs.TrimStart().StartsWith("GEOGCS[", StringComparison.OrdinalIgnoreCase)) ||
        (crs.Length > 20 && crs.TrimStart().StartsWith("PROJCRS[", StringComparison.OrdinalIgnoreCase)) ||
        (crs.Length > 20 && crs.TrimStart().StartsWith("GEOGCRS[", StringComparison.OrdinalIgnoreCase));

    public static string PolicyName(PyramidingPolicy? policy) => policy switch
    {
        null or PyramidingPolicy.Unspecified or PyramidingPolicy.Mean => "MEAN",
        PyramidingPolicy.Sample => "SAMPLE",
        PyramidingPolicy.Min => "MIN",
        PyramidingPolicy.Max => "MAX",
        PyramidingPolicy.Mode => "MODE",
        PyramidingPolicy.Median => "MEDIAN",
        _ => "MEAN",
    };

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;

    private static EarthEngineException Invalid(string message) => new(EeStatusCode.InvalidArgument, message);

    [GeneratedRegex(@"^[A-Za-z0-9_\-]{1,100}$")]
    private static partial Regex TilesetIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_\-]{1,100}$")]
    private static partial Regex BandIdPattern();

    [GeneratedRegex(@"^(EPSG|ESRI|IAU_2015|SR-ORG):[0-9]{1,9}$", RegexOptions.IgnoreCase)]
    private static partial Regex CrsCodePattern();
}
