using System.Globalization;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Models;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;

namespace EeFunctions.App.Http;

/// <summary>The getPixels fields that are not about where pixels come from: format, visualization, size limits.</summary>
internal static class GetPixelsOptions
{
    /// <summary>Earth Engine's per-request limits (REST reference of getPixels and computePixels).</summary>
    public const int MaxDimension = 32768;

    public const int MaxBands = 1024;

    /// <summary>The encoding, or null for AUTO_JPEG_PNG (decided once the pixels are known).</summary>
    public static RasterFormat? Format(ImageFileFormat? format) => format switch
    {
        null or ImageFileFormat.Unspecified or ImageFileFormat.GeoTiff => RasterFormat.GeoTiff,
        ImageFileFormat.Png => RasterFormat.Png,
        ImageFileFormat.Jpeg => RasterFormat.Jpeg,
        ImageFileFormat.Npy => RasterFormat.Npy,
        ImageFileFormat.ZippedGeoTiff => RasterFormat.ZippedGeoTiff,
        ImageFileFormat.ZippedGeoTiffPerBand => RasterFormat.ZippedGeoTiffPerBand,
        ImageFileFormat.AutoJpegPng => null,
        ImageFileFormat.TfRecordImage => throw Unsupported("TF_RECORD_IMAGE"),
        ImageFileFormat.MultiBandImageTile => throw Unsupported("MULTI_BAND_IMAGE_TILE"),
        _ => throw Unsupported(format.Value.ToString()),
    };

    /// <summary>PNG and JPEG hold 1 or 3 bytes per pixel; other types need a visualization to become bytes.</summary>
    public static void CheckImageBands(RasterFormat? format, int bandCount, RasterDataType type, Visualization? visualization)
    {
        if (format is not (null or RasterFormat.Png or RasterFormat.Jpeg))
        {
            return;
        }

        if (bandCount is not (1 or 3))
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"bandIds: PNG and JPEG need 1 or 3 bands; the request has {bandCount}. Select bands with bandIds.");
        }

        if (type != RasterDataType.Byte && visualization?.Ranges is null)
        {
            throw new EarthEngineException(
                EeStatusCode.InvalidArgument,
                $"visualizationOptions.ranges is required: PNG and JPEG hold 8-bit values and the bands are {type}; give a min/max range to map onto 0-255.");
        }
    }

    /// <summary>The validated visualization, or null when the request has none.</summary>
    public static Visualization? Visualization(VisualizationOptions? options, int bandCount)
    {
        if (options is null)
        {
            return null;
        }

        var ranges = options.Ranges is { Count: > 0 } r ? r : null;
        if (ranges is not null && ranges.Count != 1 && ranges.Count != bandCount)
        {
            throw Invalid("ranges", $"has {ranges.Count} ranges for {bandCount} bands; give one range for all bands or one per band");
        }

        var parsed = ranges?.Select((range, i) => Range(range, i)).ToList();
        var palette = options.PaletteColors is { Count: > 0 } colors ? colors.Select((c, i) => Color(c, i)).ToList() : null;
        if (palette is not null && bandCount != 1)
        {
            throw Invalid("paletteColors", $"is only allowed when visualizing a single band; the request has {bandCount}");
        }

        if (palette is null && bandCount is not (1 or 3))
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"bandIds: a visualization needs 1 or 3 bands; the request has {bandCount}.");
        }

        if (options.Gamma is { } gamma && !(gamma > 0 && double.IsFinite(gamma)))
        {
            throw Invalid("gamma", string.Create(CultureInfo.InvariantCulture, $"must be a positive number, not {gamma}"));
        }

        if (options.Opacity is { } opacity && !(opacity is >= 0 and <= 1))
        {
            throw Invalid("opacity", string.Create(CultureInfo.InvariantCulture, $"must be between 0 and 1, not {opacity}"));
        }

        return new Visualization { Ranges = parsed, Palette = palette, Gamma = options.Gamma, Opacity = options.Opacity };
    }

    /// <summary>Earth Engine's size checks, with its messages, before any pixel is read.</summary>
    public static void CheckLimits(long width, long height, int bandCount, RasterDataType type, long maxBytes)
    {
        if (width > MaxDimension || height > MaxDimension)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, string.Create(CultureInfo.InvariantCulture, $"Pixel grid dimensions ({width}x{height}) must be less than or equal to {MaxDimension}."));
        }

        if (bandCount > MaxBands)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, string.Create(CultureInfo.InvariantCulture, $"Number of bands ({bandCount}) must be less than or equal to {MaxBands}."));
        }

        var bytes = width * height * bandCount * type.SizeInBytes();
        if (bytes > maxBytes)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, string.Create(CultureInfo.InvariantCulture, $"Total request size ({bytes} bytes) must be less than or equal to {maxBytes} bytes."));
        }
    }

    private static (double Min, double Max) Range(DoubleRange range, int index)
    {
        var (min, max) = (range.Min ?? 0, range.Max ?? 0);
        if (!double.IsFinite(min) || !double.IsFinite(max) || min == max)
        {
            throw Invalid($"ranges[{index}]", string.Create(CultureInfo.InvariantCulture, $"must have different finite min and max (got min {min}, max {max})"));
        }

        return (min, max);
    }

    /// <summary>A palette entry as a colour, or the 400 naming it.</summary>
    private static (byte R, byte G, byte B) Color(string color, int index) =>
        EarthEngine.CssColor.TryParse(color, out var rgb)
            ? rgb
            : throw Invalid($"paletteColors[{index}]", $"'{color}' is not a CSS colour (use RRGGBB, #RRGGBB, RGB or a basic colour name)");

    private static EarthEngineException Invalid(string field, string problem) =>
        new(EeStatusCode.InvalidArgument, $"visualizationOptions.{field} {problem}.");

    private static EarthEngineException Unsupported(string format) =>
        new(EeStatusCode.InvalidArgument, $"fileFormat {format} is not supported by getPixels; use GEO_TIFF, ZIPPED_GEO_TIFF, ZIPPED_GEO_TIFF_PER_BAND, PNG, JPEG, AUTO_JPEG_PNG or NPY.");
}
