using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster.Reading;

/// <summary>A region placed on a grid: the transform of its window and its size in pixels (long: it may exceed any limit).</summary>
public readonly record struct RegionFit(GeoTransform Transform, long Width, long Height);

/// <summary>
/// Places a region (its outline's points) on a pixel grid the way Earth Engine's getPixels does: only the bounding box
/// of the region in the output CRS counts. Without dimensions the window is the grid's pixels that box touches (the
/// grid's origin and scale are kept, so pixels stay aligned); with dimensions the box is stretched over that many pixels.
/// </summary>
public static class RegionWindow
{
    /// <summary>Tolerance (in pixels) below which a box edge counts as on a pixel edge, so float noise adds no pixel.</summary>
    private const double EdgeTolerance = 1e-6;

    public static RegionFit Fit(IReadOnlyList<(double X, double Y)> points, string regionCrs, string outputCrs, GeoTransform transform, (int Width, int Height)? dimensions)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(regionCrs);
        ArgumentNullException.ThrowIfNull(outputCrs);
        var projected = Project(points, regionCrs, outputCrs).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (projected.Count == 0)
        {
            throw new ArgumentException("The region does not project into the output CRS.", nameof(points));
        }

        if (dimensions is { } size)
        {
            var (minX, maxX) = (projected.Min(p => p.X), projected.Max(p => p.X));
            var (minY, maxY) = (projected.Min(p => p.Y), projected.Max(p => p.Y));
            if (!(maxX > minX) || !(maxY > minY))
            {
                throw new ArgumentException("The region's bounding box in the output CRS has no area, so it cannot be stretched over grid.dimensions.", nameof(points));
            }

            return new RegionFit(new GeoTransform(minX, (maxX - minX) / size.Width, 0, maxY, 0, -(maxY - minY) / size.Height), size.Width, size.Height);
        }

        var pixels = projected.Select(p => transform.Invert(p.X, p.Y)).ToList();
        var x0 = Math.Floor(pixels.Min(p => p.Column) + EdgeTolerance);
        var y0 = Math.Floor(pixels.Min(p => p.Row) + EdgeTolerance);
        var x1 = Math.Max(Math.Ceiling(pixels.Max(p => p.Column) - EdgeTolerance), x0 + 1);
        var y1 = Math.Max(Math.Ceiling(pixels.Max(p => p.Row) - EdgeTolerance), y0 + 1);
        if (Math.Abs(x0) > int.MaxValue || Math.Abs(y0) > int.MaxValue)
        {
            throw new ArgumentException("The region is too far from the grid's origin.", nameof(points));
        }

        return new RegionFit(transform.Offset(x0, y0), (long)Math.Min(x1 - x0, long.MaxValue), (long)Math.Min(y1 - y0, long.MaxValue));
    }

    /// <summary>Whether two CRS definitions (codes or WKT) denote the same CRS.</summary>
    public static bool SameCrs(string first, string second)
    {
        using var a = SpatialReference.FromUserInput(first);
        using var b = SpatialReference.FromUserInput(second);
        return a.IsSame(b);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless GDAL understands the definition.</summary>
    public static void CheckCrs(string definition)
    {
        using var _ = SpatialReference.FromUserInput(definition);
    }

    private static List<(double X, double Y)> Project(IReadOnlyList<(double X, double Y)> points, string from, string to)
    {
        using var source = SpatialReference.FromUserInput(from);
        using var target = SpatialReference.FromUserInput(to);
        if (source.IsSame(target))
        {
            return [.. points];
        }

        // Points that fail to transform come back as infinity and are dropped by the caller.
        return [.. CoordinateTransform.Apply(source, target, [.. points], "Transforming the region into the output CRS")];
    }
}
