using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Models;
using EeFunctions.App.EarthEngine;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;

namespace EeFunctions.App.Http;

/// <summary>
/// The output grid of getPixels: <c>grid</c> defaults to the native grid field by field; a <c>region</c> narrows it to
/// the grid pixels its bounding box (in the output CRS) touches, or, with <c>grid.dimensions</c>, is stretched over
/// that many pixels. Earth Engine's size limits are checked here, before any pixel is read.
/// </summary>
internal static class GetPixelsGrid
{
    public static TargetGrid Of(GetPixelsRequest request, StoredTileset tileset, int bandCount, RasterDataType type, long maxBytes)
    {
        var layout = tileset.Layout;
        var grid = request.Grid;
        var crs = grid?.CrsCode ?? grid?.CrsWkt;
        if (crs is not null)
        {
            try
            {
                RegionWindow.CheckCrs(crs);
            }
            catch (ArgumentException ex)
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"grid.{(grid?.CrsCode is null ? "crsWkt" : "crsCode")}: {ex.Message}");
            }
        }

        var t = grid?.AffineTransform;
        var transform = t is null
            ? layout.Transform
            : new GeoTransform(t.TranslateX ?? 0, t.ScaleX ?? 0, t.ShearX ?? 0, t.TranslateY ?? 0, t.ShearY ?? 0, t.ScaleY ?? 0);
        if (transform.PixelWidth * transform.PixelHeight - transform.RowRotation * transform.ColumnRotation == 0)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "grid.affineTransform is not invertible (scaleX and scaleY must not be 0).");
        }

        long width = grid?.Dimensions?.Width ?? layout.Width;
        long height = grid?.Dimensions?.Height ?? layout.Height;
        if (width <= 0 || height <= 0)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "grid.dimensions must be positive.");
        }

        if (request.Region is { } region)
        {
            var fit = Fit(GeoJsonRegion.Parse(region), crs, t is null, tileset, transform, grid?.Dimensions is null ? null : ((int)width, (int)height));
            (transform, width, height) = (fit.Transform, fit.Width, fit.Height);
        }

        GetPixelsOptions.CheckLimits(width, height, bandCount, type, maxBytes);
        return new TargetGrid(crs is null || crs == tileset.CrsCode ? null : crs, transform, (int)width, (int)height);
    }

    private static RegionFit Fit(GeoJsonRegion region, string? crs, bool nativeTransform, StoredTileset tileset, GeoTransform transform, (int, int)? dimensions)
    {
        var native = tileset.Layout.CrsWkt;
        var output = crs ?? native
            ?? throw new EarthEngineException(EeStatusCode.InvalidArgument, "region: the image has no CRS, so a region cannot be placed on its grid; give grid.crsCode.");
        try
        {
            // The native transform is in the native CRS's units: meaningless in another CRS unless dimensions replace it.
            if (dimensions is null && nativeTransform && crs is not null && (native is null || !RegionWindow.SameCrs(crs, native)))
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, "grid.affineTransform is required with a region when grid's CRS is not the image's (or give grid.dimensions).");
            }

            return RegionWindow.Fit(region.Points, region.Crs, output, transform, dimensions);
        }
        catch (Exception ex) when (ex is ArgumentException or GdalException)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"region: {ex.Message}");
        }
    }
}
