using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.App.Orchestrations;
using EeFunctions.Raster;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.EarthEngine;

/// <summary>
/// What a manifest says about a tileset's pixels instead of (or besides) its files: the stored pixel type, every
/// missing-data value, and with skipMetadataRead the georeferencing and no-data the files are not asked for.
/// </summary>
internal static class ManifestMetadata
{
    /// <summary>The raster type a tileset's dataType (proto name) stores, or null to keep the files' type.</summary>
    public static RasterDataType? StoredType(string? dataType) => dataType switch
    {
        null => null,
        "UINT8" => RasterDataType.Byte,
        "INT16" => RasterDataType.Int16,
        "UINT16" => RasterDataType.UInt16,
        "INT32" => RasterDataType.Int32,
        "UINT32" => RasterDataType.UInt32,
        "FLOAT" => RasterDataType.Float32,
        "DOUBLE" => RasterDataType.Float64,

        // The validator refuses the others (INT8) with a 400; reaching here means a spec from an older version.
        _ => throw new ImportFailedException(EeStatusCode.InvalidArgument, $"dataType {dataType} cannot be stored."),
    };

    /// <summary>
    /// A source as skipMetadataRead sees it: no CRS and no no-data of its own (the manifest's crs and missingData
    /// stand; its transform is already the manifest's), and the size the manifest gives, which must be the file's
    /// because its pixels are still read as they are.
    /// </summary>
    public static RasterInfo Apply(RasterInfo info, SpecDimensions size, string uri, string label)
    {
        if (info.Width != size.Width || info.Height != size.Height)
        {
            throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Source '{uri}' of {label} is {info.Width}x{info.Height} pixels, but its manifest dimensions are {size.Width}x{size.Height}; with skipMetadataRead the manifest must describe the file.");
        }

        return info with { CrsWkt = null, EpsgCode = null, Bands = [.. info.Bands.Select(b => b with { NoData = null })] };
    }

    /// <summary>
    /// The layout as stored: pixels converted to <paramref name="storedType"/> while the tiler reads them (GDAL rounds
    /// and clamps, and masks still come from the source values), and the missing-data values past the first (GDAL's
    /// no-data) masked by the tiler. Either needs a mask per band when bands may differ.
    /// </summary>
    public static TilesetLayout Store(TilesetLayout layout, RasterDataType? storedType, IReadOnlyList<IReadOnlyList<double>?> missing)
    {
        var bands = layout.Bands.Select((b, i) => missing[i] is { Count: > 1 } values ? b with { MaskedValues = [.. values.Skip(1)] } : b).ToList();
        var type = storedType ?? layout.DataType;
        var perBand = layout.MaskPerBand || (layout.BandCount > 1 && (!type.IsInteger() || bands.Any(b => b.MaskedValues is not null)));
        return layout with { DataType = type, Bands = bands, MaskPerBand = perBand };
    }
}
