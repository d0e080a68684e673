namespace EeFunctions.Raster;

/// <summary>
/// GDAL's affine transform: <c>X = OriginX + col·PixelWidth + row·RowRotation</c>,
/// <c>Y = OriginY + col·ColumnRotation + row·PixelHeight</c> (pixel corner convention).
/// </summary>
public readonly record struct GeoTransform(double OriginX, double PixelWidth, double RowRotation, double OriginY, double ColumnRotation, double PixelHeight)
{
    /// <summary>GDAL's default when a file has none: origin 0,0, one unit per pixel, Y down.</summary>
    public static GeoTransform Identity => new(0, 1, 0, 0, 0, 1);

    /// <summary>The six coefficients in GDAL order.</summary>
    public double[] ToArray() => [OriginX, PixelWidth, RowRotation, OriginY, ColumnRotation, PixelHeight];

    /// <summary>From six coefficients in GDAL order.</summary>
    public static GeoTransform FromArray(IReadOnlyList<double> c) =>
        c.Count == 6 ? new(c[0], c[1], c[2], c[3], c[4], c[5]) : throw new ArgumentException("A geotransform has six coefficients.", nameof(c));

    /// <summary>Whether the transform has rotation or shear terms.</summary>
    public bool IsRotated => RowRotation != 0 || ColumnRotation != 0;

    /// <summary>The geo position of a pixel corner.</summary>
    public (double X, double Y) Apply(double column, double row) =>
        (OriginX + column * PixelWidth + row * RowRotation, OriginY + column * ColumnRotation + row * PixelHeight);

    /// <summary>The same grid with pixels <paramref name="factor"/> times larger (same origin).</summary>
    public GeoTransform Scaled(double factor) => this with
    {
        PixelWidth = PixelWidth * factor,
        RowRotation = RowRotation * factor,
        ColumnRotation = ColumnRotation * factor,
        PixelHeight = PixelHeight * factor,
    };

    /// <summary>The grid whose origin is this grid's pixel corner (<paramref name="column"/>, <paramref name="row"/>).</summary>
    public GeoTransform Offset(double column, double row)
    {
        var (x, y) = Apply(column, row);
        return this with { OriginX = x, OriginY = y };
    }

    /// <summary>Inverse: the pixel coordinates of a geo position.</summary>
    public (double Column, double Row) Invert(double x, double y)
    {
        var det = PixelWidth * PixelHeight - RowRotation * ColumnRotation;
        if (det == 0)
        {
            throw new InvalidOperationException("The geotransform is not invertible.");
        }

        var dx = x - OriginX;
        var dy = y - OriginY;
        return ((dx * PixelHeight - dy * RowRotation) / det, (dy * PixelWidth - dx * ColumnRotation) / det);
    }
}
