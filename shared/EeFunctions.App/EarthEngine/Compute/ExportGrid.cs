using EeFunctions.EarthEngine.Models;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>
/// The grid an image is exported on: the request's <c>grid</c> where it says, else inferred from the expression as
/// Earth Engine does: the first band's projection (CRS and transform) over the pixels its footprint's bounding box
/// touches (clipToBoundsAndScale and reproject set both; clip narrows the footprint).
/// </summary>
public static class ExportGrid
{
    /// <summary>The bounding box in <paramref name="crs"/> of everything the band's footprint geometries share, or null when unbounded.</summary>
    public static (double MinX, double MinY, double MaxX, double MaxY)? FootprintBounds(ImageBand band, string crs)
    {
        ArgumentNullException.ThrowIfNull(band);
        (double MinX, double MinY, double MaxX, double MaxY)? box = null;
        foreach (var geometry in band.Footprint)
        {
            var b = GeometryMask.Bounds(geometry, crs);
            if (b is not { } g)
            {
                continue;
            }

            box = box is { } a ? (Math.Max(a.MinX, g.MinX), Math.Max(a.MinY, g.MinY), Math.Min(a.MaxX, g.MaxX), Math.Min(a.MaxY, g.MaxY)) : g;
        }

        return box;
    }

    /// <summary>The output grid; any problem is an INVALID_ARGUMENT in Earth Engine's words.</summary>
    public static TargetGrid Of(EeImage image, PixelGrid? grid, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Bands.Count == 0)
        {
            throw ExpressionEvaluator.Invalid("The image to export has no bands.");
        }

        var first = image.Bands[0];
        var crs = grid?.CrsCode ?? grid?.CrsWkt ?? first.Projection.Crs;
        try
        {
            RegionWindow.CheckCrs(crs);
        }
        catch (Exception ex) when (ex is ArgumentException or GdalException)
        {
            throw ExpressionEvaluator.Invalid($"grid.{(grid?.CrsCode is null ? "crsWkt" : "crsCode")}: {ex.Message}");
        }

        GeoTransform transform;
        if (grid?.AffineTransform is { } t)
        {
            transform = new GeoTransform(t.TranslateX ?? 0, t.ScaleX ?? 0, t.ShearX ?? 0, t.TranslateY ?? 0, t.ShearY ?? 0, t.ScaleY ?? 0);
            if (transform.PixelWidth * transform.PixelHeight - transform.RowRotation * transform.ColumnRotation == 0)
            {
                throw ExpressionEvaluator.Invalid("grid.affineTransform is not invertible (scaleX and scaleY must not be 0).");
            }
        }
        else if (RasterCrs.IsSame(crs, first.Projection.Crs))
        {
            transform = first.Projection.Transform ?? new GeoTransform(0, 1, 0, 0, 0, -1);
        }
        else
        {
            throw ExpressionEvaluator.Invalid("grid.affineTransform is required when grid's CRS is not the image's.");
        }

        long width, height;
        if (grid?.Dimensions is { } dimensions)
        {
            (width, height) = (dimensions.Width ?? 0, dimensions.Height ?? 0);
            if (width <= 0 || height <= 0)
            {
                throw ExpressionEvaluator.Invalid("grid.dimensions must be positive.");
            }
        }
        else
        {
            var box = FootprintBounds(first, crs)
                ?? throw ExpressionEvaluator.Invalid("Unable to export unbounded image: give a region (clip or clipToBoundsAndScale) or grid.dimensions.");
            if (!(box.MaxX > box.MinX) || !(box.MaxY > box.MinY))
            {
                throw ExpressionEvaluator.Invalid("The export region is empty: the image's footprint and the region do not overlap.");
            }

            var window = GeometryMask.Window(transform, box);
            (transform, width, height) = (window.Transform, window.Width, window.Height);
        }

        var pixels = width * (double)height;
        if (pixels > maxPixels)
        {
            throw ExpressionEvaluator.Invalid(FormattableString.Invariant($"Export too large: specified {(long)pixels} pixels (max: {maxPixels}). Specify higher maxPixels value if you intend to export a large area."));
        }

        if (width > int.MaxValue || height > int.MaxValue)
        {
            throw ExpressionEvaluator.Invalid(FormattableString.Invariant($"Export too large: {width}x{height} pixels."));
        }

        return new TargetGrid(crs, transform, (int)width, (int)height);
    }

    /// <summary>
    /// The one stored type of every exported band: integers widen to a type holding them all, floats to Float32
    /// (Float64 if any band is double); integers and floats together are refused.
    /// </summary>
    public static RasterDataType CommonType(EeImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var types = image.Bands.Select(b => b.Type).ToList();
        var integer = types.FirstOrDefault(t => t.IsInteger);
        var floating = types.FirstOrDefault(t => !t.IsInteger);
        if (integer is not null && floating is not null)
        {
            throw ExpressionEvaluator.Invalid($"Exported bands must have compatible data types; found inconsistent types: {floating.Storage} and {integer.Storage}.");
        }

        return types.Aggregate(PixelType.Union).Storage;
    }
}
