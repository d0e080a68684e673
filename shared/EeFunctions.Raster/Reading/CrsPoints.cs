using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster.Reading;

/// <summary>Points moved between two CRS definitions (codes or WKT), and what a CRS measures in.</summary>
public static class CrsPoints
{
    /// <summary>
    /// The points in <paramref name="to"/>; a point outside the target projection's domain comes back as infinity
    /// so callers can drop it and keep the rest.
    /// </summary>
    public static (double X, double Y)[] Project(IReadOnlyList<(double X, double Y)> points, string from, string to)
    {
        ArgumentNullException.ThrowIfNull(points);
        using var source = SpatialReference.FromUserInput(from);
        using var target = SpatialReference.FromUserInput(to);
        if (source.IsSame(target))
        {
            return [.. points];
        }

        return CoordinateTransform.Apply(source, target, [.. points], "Transforming between CRSs");
    }

    /// <summary>Whether the CRS's units are degrees, so a scale in metres must be converted.</summary>
    public static bool IsGeographic(string crs)
    {
        using var srs = SpatialReference.FromUserInput(crs);
        return srs.IsGeographic;
    }
}
