using System.Globalization;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.App.Orchestrations;
using EeFunctions.Raster;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.EarthEngine;

/// <summary>
/// Locates (and for http(s), stages) the sources of one tileset, inspects them with GDAL, checks that they agree and
/// that the manifest's band references and CRS fit them, and returns the tileset's layout. Failures are
/// <see cref="ImportFailedException"/>s naming the source or band.
/// </summary>
public sealed class TilesetInspector(SourceResolver resolver, RasterTiler tiler, EeStorage storage)
{
    public async Task<TilesetPlan> InspectAsync(ImportSpec spec, int tilesetIndex, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tileset = spec.Tilesets[tilesetIndex];
        var label = tileset.Id.Length == 0 ? $"tileset {tilesetIndex}" : $"tileset '{tileset.Id}'";
        try
        {
            await storage.EnsureContainersAsync(ct);
            var sources = new List<(SourceLocation Location, string Path, RasterInfo Info)>();
            for (var s = 0; s < tileset.Sources.Count; s++)
            {
                var uri = tileset.Sources[s];
                var location = resolver.Locate(uri);
                if (!location.IsBlob)
                {
                    location = await resolver.StageAsync(uri, StagingBlob(spec, tilesetIndex, s, uri), ct);
                }

                var opened = await resolver.OpenAsync(location, ct);
                location = opened.Location;
                var path = opened.GdalPath;
                RasterInfo info;
                try
                {
                    // Only image files: a VRT (or any XML) source could make GDAL read files of this machine.
                    if (LooksLikeXml(await resolver.ReadHeadAsync(location, 64, ct)))
                    {
                        throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Source '{uri}' of {label} is XML (such as a VRT); only image files (GeoTIFF, PNG, JPEG) can be ingested.");
                    }

                    // GDAL's range reads block: off the caller's thread (importExternal runs this in a request).
                    info = await Task.Run(() => RasterInspector.Inspect(path), ct);
                    if (info.Driver is not ("GTiff" or "COG" or "PNG" or "JPEG"))
                    {
                        throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Source '{uri}' of {label} is a {info.Driver} file; only GeoTIFF, PNG and JPEG files can be ingested.");
                    }
                }
                catch (GdalException ex)
                {
                    throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Source '{uri}' of {label} is not a raster GDAL can read: {ex.Message}");
                }

                if (tileset.Transforms?[s] is { } manifestTransform)
                {
                    info = info with { Transform = GeoTransform.FromArray([.. manifestTransform]) };
                }

                if (tileset.Dimensions?[s] is { } dimensions)
                {
                    info = ManifestMetadata.Apply(info, dimensions, uri, label);
                }

                sources.Add((location, path, info with { FileSize = info.FileSize ?? opened.Length }));
            }

            var first = sources[0];
            foreach (var other in sources.Skip(1))
            {
                var problem = other.Info.BandCount != first.Info.BandCount ? $"it has {other.Info.BandCount} bands, not {first.Info.BandCount}"
                    : !other.Info.Bands.Select(b => b.DataType).SequenceEqual(first.Info.Bands.Select(b => b.DataType)) ? $"its pixel type {other.Info.Bands[0].DataTypeName} differs from {first.Info.Bands[0].DataTypeName}"
                    : other.Info.CrsWkt != first.Info.CrsWkt ? "its CRS differs"
                    : null;
                if (problem is not null)
                {
                    throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Source '{other.Location.Uri}' of {label} does not match source '{first.Location.Uri}': {problem}.");
                }
            }

            var storedType = ManifestMetadata.StoredType(tileset.DataType);
            if (storedType is not null && first.Info.Bands.FirstOrDefault(b => !b.DataType.IsSupported()) is { } unconvertible)
            {
                throw new ImportFailedException(EeStatusCode.InvalidArgument, $"{label} cannot be stored as dataType {tileset.DataType}: source '{first.Location.Uri}' has {unconvertible.DataTypeName} pixels, which cannot be converted.");
            }

            if (first.Info.CrsWkt is null && tileset.Crs is null)
            {
                throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Source '{first.Location.Uri}' of {label} has no CRS; give the tileset's crs in the manifest (for example \"crs\": \"EPSG:4326\").");
            }

            // Manifest no-data per band of this tileset: the first value becomes GDAL's no-data (the tiler masks the
            // rest); [] means "ignore the file's".
            var missing = MissingValues(spec, tileset.Id, first.Info.BandCount);
            var overrides = new string?[first.Info.BandCount];
            for (var b = 0; b < overrides.Length; b++)
            {
                overrides[b] = missing[b] is not { } values ? null : values.Count == 0 ? string.Empty : values[0].ToString("R", CultureInfo.InvariantCulture);
            }

            // Mask bands: the last band of a mask tileset is not an image band; it masks the bands the manifest names.
            var isMaskTileset = spec.MaskBands?.Any(m => m.TilesetId == tileset.Id) == true;
            var bandCount = isMaskTileset ? first.Info.BandCount - 1 : first.Info.BandCount;
            if (bandCount < 1)
            {
                throw new ImportFailedException(EeStatusCode.InvalidArgument, $"{label} is a mask tileset but its source '{first.Location.Uri}' has only one band; a mask tileset needs its image bands and the mask as its last band.");
            }

            var placeholders = sources.Select(x => (x.Location.Uri, x.Info)).ToList();
            var locations = sources.Select(x => x.Location).ToList();
            var masks = new (int Source, int Band)?[bandCount];
            var maskOnly = 0;
            for (var b = 0; b < bandCount; b++)
            {
                var id = spec.Bands?.FirstOrDefault(x => x.TilesetId == tileset.Id && x.TilesetBandIndex == b)?.Id;
                var mask = spec.MaskBands?.FirstOrDefault(m => m.BandIds.Count == 0 || (id is not null && m.BandIds.Contains(id)));
                if (mask is null)
                {
                    continue;
                }

                if (mask.TilesetId == tileset.Id)
                {
                    // Every source's last band masks that source's pixels (a mosaic of files with an alpha band).
                    masks[b] = (sources.Count > 1 ? -1 : 0, first.Info.BandCount);
                    continue;
                }

                if (sources.Count > 1)
                {
                    throw new ImportFailedException(EeStatusCode.InvalidArgument, $"{label} has several sources; a separate mask tileset can mask a single-source tileset only (put each file's mask band last in that file instead).");
                }

                var maskTileset = spec.Tilesets.First(t => t.Id == mask.TilesetId);
                if (maskTileset.Sources.Count != 1)
                {
                    throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Mask tileset '{mask.TilesetId}' has several sources; a mask tileset must have exactly one.");
                }

                if (maskOnly == 0)
                {
                    var maskLocation = resolver.Locate(maskTileset.Sources[0]);
                    if (!maskLocation.IsBlob)
                    {
                        // The same staging blob the mask tileset's own inspection uses, created once by whichever comes first.
                        var maskIndex = spec.Tilesets.ToList().FindIndex(t => t.Id == mask.TilesetId);
                        maskLocation = await resolver.StageAsync(maskTileset.Sources[0], StagingBlob(spec, maskIndex, 0, maskTileset.Sources[0]), ct);
                    }

                    var maskOpened = await resolver.OpenAsync(maskLocation, ct);
                    maskLocation = maskOpened.Location;
                    RasterInfo maskInfo;
                    try
                    {
                        maskInfo = await Task.Run(() => RasterInspector.Inspect(maskOpened.GdalPath), ct);
                    }
                    catch (GdalException ex)
                    {
                        throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Mask source '{maskLocation.Uri}' is not a raster GDAL can read: {ex.Message}");
                    }

                    if (maskInfo.Width != first.Info.Width || maskInfo.Height != first.Info.Height || maskInfo.Transform != first.Info.Transform)
                    {
                        throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Mask source '{maskLocation.Uri}' does not match source '{first.Location.Uri}': a mask must have the same size and georeferencing.");
                    }

                    placeholders.Add((maskLocation.Uri, maskInfo));
                    locations.Add(maskLocation);
                    maskOnly = 1;
                }

                masks[b] = (sources.Count, placeholders[^1].Info.BandCount);
            }

            var anyMask = masks.Any(m => m is not null);
            var template = SourceVrt.Template(placeholders, overrides, first.Info.CrsWkt is null ? tileset.Crs : null, force: tileset.Transforms is not null || isMaskTileset || anyMask,
                bandCount: isMaskTileset ? bandCount : null, masks: anyMask ? masks : null, maskOnly: maskOnly, coverageOnly: spec.SkipMetadataRead);
            var readPath = await resolver.TilesetPathAsync(locations, template, SourceAccess.Window, ct);
            var policies = new PyramidingPolicy[bandCount];
            for (var b = 0; b < bandCount; b++)
            {
                policies[b] = ToRaster(spec.DefaultPolicy);
            }

            foreach (var band in spec.Bands ?? [])
            {
                if (band.TilesetId != tileset.Id)
                {
                    continue;
                }

                if (band.TilesetBandIndex >= bandCount)
                {
                    throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Band '{band.Id}' refers to band index {band.TilesetBandIndex} of {label}, but its source '{first.Location.Uri}' has only {bandCount} band(s).");
                }

                policies[band.TilesetBandIndex] = ToRaster(band.Policy);
            }

            TilesetLayout layout;
            try
            {
                layout = await Task.Run(() => tiler.CreateLayout(readPath, policies), ct);
            }
            catch (Exception ex) when (ex is GdalException or RasterLimitExceededException)
            {
                throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Source '{first.Location.Uri}' of {label} cannot be ingested: {ex.Message}");
            }

            if (layout.CrsWkt is null)
            {
                layout = layout with { CrsWkt = tileset.Crs };
            }

            layout = ManifestMetadata.Store(layout, storedType, MissingValues(spec, tileset.Id, layout.BandCount));

            var noData = layout.Bands.Select(b => b.NoData?.ToString("R", CultureInfo.InvariantCulture)).ToList();
            layout = layout with { Bands = [.. layout.Bands.Select(b => b.NoData is { } v && !double.IsFinite(v) ? b with { NoData = null } : b)] };
            var crsCode = first.Info.CrsWkt is null ? tileset.Crs : first.Info.EpsgCode is { } epsg ? string.Create(CultureInfo.InvariantCulture, $"EPSG:{epsg}") : null;
            var size = sources.Sum(x => x.Info.FileSize ?? 0);
            return new TilesetPlan(tileset.Id, string.Create(CultureInfo.InvariantCulture, $"t{tilesetIndex}"), locations, template, layout, crsCode, size, noData);
        }
        catch (EarthEngineException ex)
        {
            throw new ImportFailedException(ex.Code, ex.Message);
        }
    }

    /// <summary>Per band of a tileset: the manifest's missing-data values (a band's own, else the manifest's), or null.</summary>
    private static IReadOnlyList<double>?[] MissingValues(ImportSpec spec, string tilesetId, int bandCount)
    {
        var result = new IReadOnlyList<double>?[bandCount];
        for (var b = 0; b < bandCount; b++)
        {
            var band = spec.Bands?.FirstOrDefault(x => x.TilesetId == tilesetId && x.TilesetBandIndex == b);
            result[b] = spec.Bands is null ? spec.MissingData : band?.MissingData;
        }

        return result;
    }

    /// <summary>Where an http(s) source of a tileset is staged: one blob per (operation, tileset, source).</summary>
    private static string StagingBlob(ImportSpec spec, int tilesetIndex, int sourceIndex, string uri)
    {
        var extension = Path.GetExtension(new Uri(uri).AbsolutePath);
        return string.Create(CultureInfo.InvariantCulture, $"{spec.OperationId}/{tilesetIndex}-{sourceIndex}{(extension.Length is > 0 and <= 6 ? extension : ".tif")}");
    }

    private static bool LooksLikeXml(byte[] head)
    {
        var text = System.Text.Encoding.ASCII.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return text.StartsWith('<');
    }

    internal static PyramidingPolicy ToRaster(string policy) => policy switch
    {
        "SAMPLE" => PyramidingPolicy.Sample,
        "MIN" => PyramidingPolicy.Min,
        "MAX" => PyramidingPolicy.Max,
        "MODE" => PyramidingPolicy.Mode,
        "MEDIAN" => PyramidingPolicy.Median,
        _ => PyramidingPolicy.Mean,
    };
}
