using System.Globalization;
using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster;

/// <summary>Pixel-count and dimension limits, checked before any pixel is read.</summary>
internal static class RasterLimits
{
    public static void CheckSource(RasterOptions options, int width, int height, string source) =>
        Check(options, width, height, $"The raster '{GdalDataset.DisplayPath(source)}'");

    public static void CheckWindow(RasterOptions options, int width, int height) => Check(options, width, height, "The requested grid");

    private static void Check(RasterOptions options, int width, int height, string what)
    {
        if (width <= 0 || height <= 0)
        {
            throw new RasterLimitExceededException(string.Create(CultureInfo.InvariantCulture, $"{what} has an empty size {width}x{height}."));
        }

        if (width > options.MaxDimension || height > options.MaxDimension)
        {
            throw new RasterLimitExceededException(string.Create(
                CultureInfo.InvariantCulture,
                $"{what} is {width}x{height} pixels; the largest allowed dimension is {options.MaxDimension}."));
        }

        var pixels = (long)width * height;
        if (pixels > options.MaxPixels)
        {
            throw new RasterLimitExceededException(string.Create(
                CultureInfo.InvariantCulture,
                $"{what} has {pixels} pixels; the limit is {options.MaxPixels}."));
        }
    }
}
