using EeFunctions.Raster;
using EeFunctions.Raster.Reading;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>Geometries on grids: which pixels (by centre) lie inside, and a geometry's bounding box in a CRS.</summary>
public static class GeometryMask
{
    private const int EdgeSteps = 16;

    /// <summary>255 where the pixel's centre is inside the geometry (even-odd over its rings), else 0.</summary>
    public static byte[] Inside(EeGeometry geometry, TargetGrid grid)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(grid);
        var mask = new byte[grid.Width * grid.Height];
        if (!geometry.IsArea)
        {
            return mask;
        }

        return TryScanlines(geometry, grid, mask) ? mask : InsideByCentres(geometry, grid, mask);
    }

    /// <summary>The general path: every pixel centre moved into the geometry's coordinates and tested.</summary>
    internal static byte[] InsideByCentres(EeGeometry geometry, TargetGrid grid, byte[] mask)
    {
        var centres = new (double X, double Y)[mask.Length];
        for (var row = 0; row < grid.Height; row++)
        {
            for (var column = 0; column < grid.Width; column++)
            {
                centres[row * grid.Width + column] = grid.Transform.Apply(column + 0.5, row + 0.5);
            }
        }

        var crs = grid.Crs ?? geometry.Projection.Crs;
        var local = CrsPoints.Project(centres, crs, geometry.Projection.Crs);
        var rings = geometry.Parts;
        for (var i = 0; i < local.Length; i++)
        {
            var (x, y) = geometry.Projection.FromCrs(local[i]);
            if (double.IsFinite(x) && double.IsFinite(y) && InsideRings(rings, x, y))
            {
                mask[i] = 255;
            }
        }

        return mask;
    }

    /// <summary>The geometry's bounding box in <paramref name="crs"/> (edges densified, so projected curves count), or null if none of it projects.</summary>
    public static (double MinX, double MinY, double MaxX, double MaxY)? Bounds(EeGeometry geometry, string crs)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var points = new List<(double X, double Y)>();
        foreach (var part in geometry.Parts)
        {
            for (var i = 0; i < part.Count; i++)
            {
                var a = part[i];
                var b = part[(i + 1) % part.Count];
                var steps = part.Count == 1 || (!geometry.IsArea && i == part.Count - 1) ? 1 : EdgeSteps;
                for (var s = 0; s < steps; s++)
                {
                    var f = s / (double)steps;
                    points.Add(geometry.Projection.ToCrs((a.X + (b.X - a.X) * f, a.Y + (b.Y - a.Y) * f)));
                }
            }
        }

        var projected = CrsPoints.Project(points, geometry.Projection.Crs, crs).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        return projected.Count == 0
            ? null
            : (projected.Min(p => p.X), projected.Min(p => p.Y), projected.Max(p => p.X), projected.Max(p => p.Y));
    }

    /// <summary>The pixel window of a CRS box on a grid transform: the pixels it touches (float noise adds none).</summary>
    public static (GeoTransform Transform, long Width, long Height) Window(GeoTransform transform, (double MinX, double MinY, double MaxX, double MaxY) box)
    {
        (double Column, double Row)[] corners =
        [
            transform.Invert(box.MinX, box.MinY), transform.Invert(box.MaxX, box.MinY),
            transform.Invert(box.MinX, box.MaxY), transform.Invert(box.MaxX, box.MaxY),
        ];
        const double Tolerance = 1e-6;
        var x0 = Math.Floor(corners.Min(c => c.Column) + Tolerance);
        var y0 = Math.Floor(corners.Min(c => c.Row) + Tolerance);
        var x1 = Math.Max(Math.Ceiling(corners.Max(c => c.Column) - Tolerance), x0 + 1);
        var y1 = Math.Max(Math.Ceiling(corners.Max(c => c.Row) - Tolerance), y0 + 1);
        return (transform.Offset(x0, y0), (long)(x1 - x0), (long)(y1 - y0));
    }

    /// <summary>
    /// The fast path when the grid and the geometry share a CRS and neither transform rotates: a pixel row is one line
    /// of the geometry's coordinates, so its edge crossings are found once and each pixel's centre is counted against
    /// them (the same even-odd rule as <see cref="InsideRings"/>).
    /// </summary>
    private static bool TryScanlines(EeGeometry geometry, TargetGrid grid, byte[] mask)
    {
        var g = grid.Transform;
        var p = geometry.Projection.Transform ?? new GeoTransform(0, 1, 0, 0, 0, 1);
        if (g.IsRotated || p.IsRotated || (grid.Crs is { } crs && crs != geometry.Projection.Crs && !RasterCrs.IsSame(crs, geometry.Projection.Crs)))
        {
            return false;
        }

        var columns = new double[grid.Width];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = (g.OriginX + (c + 0.5) * g.PixelWidth - p.OriginX) / p.PixelWidth;
        }

        var increasing = columns.Length < 2 || columns[1] >= columns[0];
        var crossings = new List<double>();
        for (var row = 0; row < grid.Height; row++)
        {
            var y = (g.OriginY + (row + 0.5) * g.PixelHeight - p.OriginY) / p.PixelHeight;
            crossings.Clear();
            foreach (var ring in geometry.Parts)
            {
                for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
                {
                    var (xi, yi) = ring[i];
                    var (xj, yj) = ring[j];
                    if ((yi > y) != (yj > y))
                    {
                        crossings.Add((xj - xi) * (y - yi) / (yj - yi) + xi);
                    }
                }
            }

            if (crossings.Count == 0)
            {
                continue;
            }

            crossings.Sort();
            var line = mask.AsSpan(row * grid.Width, grid.Width);

            // A centre is inside when an odd number of crossings lie strictly to its right.
            var passed = 0;
            for (var k = 0; k < columns.Length; k++)
            {
                var c = increasing ? k : columns.Length - 1 - k;
                while (passed < crossings.Count && crossings[passed] <= columns[c])
                {
                    passed++;
                }

                if (((crossings.Count - passed) & 1) == 1)
                {
                    line[c] = 255;
                }
            }
        }

        return true;
    }

    private static bool InsideRings(IReadOnlyList<IReadOnlyList<(double X, double Y)>> rings, double x, double y)
    {
        var inside = false;
        foreach (var ring in rings)
        {
            for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
            {
                var (xi, yi) = ring[i];
                var (xj, yj) = ring[j];
                if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                {
                    inside = !inside;
                }
            }
        }

        return inside;
    }
}
