namespace EeFunctions.EarthEngine.Models;

/// <summary>Pixel (u, v) → CRS (x, y) = [[scaleX, shearX, translateX], [shearY, scaleY, translateY]]·(u, v, 1).</summary>
public sealed class AffineTransform
{
    public double? ScaleX { get; init; }

    public double? ShearX { get; init; }

    public double? TranslateX { get; init; }

    public double? ShearY { get; init; }

    public double? ScaleY { get; init; }

    public double? TranslateY { get; init; }
}

/// <summary>A raster's size in pixels.</summary>
public sealed class GridDimensions
{
    public int? Width { get; init; }

    public int? Height { get; init; }
}

/// <summary>A CRS (code or WKT), an affine transform and dimensions.</summary>
public sealed class PixelGrid
{
    public string? CrsCode { get; init; }

    public string? CrsWkt { get; init; }

    public GridDimensions? Dimensions { get; init; }

    public AffineTransform? AffineTransform { get; init; }
}

/// <summary>A closed numeric interval.</summary>
public sealed class DoubleRange
{
    public double? Min { get; init; }

    public double? Max { get; init; }
}

/// <summary>A point in pixel coordinates.</summary>
public sealed class GridPoint
{
    public double? X { get; init; }

    public double? Y { get; init; }
}
