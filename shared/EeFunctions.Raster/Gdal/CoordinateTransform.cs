namespace EeFunctions.Raster.Gdal;

/// <summary>Point transformation between two spatial references through OGR (axis order as the references set it).</summary>
internal static class CoordinateTransform
{
    /// <summary>
    /// The points in <paramref name="to"/>'s CRS. Points that fail to transform (outside the projection's domain)
    /// come back as infinity rather than failing the batch, so callers drop them and keep the rest.
    /// </summary>
    /// <param name="what">What the transformation is for, in the error when OGR cannot build one at all.</param>
    public static unsafe (double X, double Y)[] Apply(SpatialReference from, SpatialReference to, (double X, double Y)[] points, string what)
    {
        GdalErrors.Reset();
        var transformation = GdalApi.OCTNewCoordinateTransformation(from.Raw, to.Raw);
        if (transformation == IntPtr.Zero)
        {
            throw GdalErrors.Capture(what);
        }

        try
        {
            var xs = points.Select(p => p.X).ToArray();
            var ys = points.Select(p => p.Y).ToArray();
            fixed (double* x = xs)
            fixed (double* y = ys)
            {
                // The result only says whether every point succeeded; failed points are HUGE_VAL, handled per point.
                _ = GdalApi.OCTTransform(transformation, points.Length, x, y, null);
            }

            GdalErrors.Reset();
            return xs.Zip(ys).ToArray();
        }
        finally
        {
            GdalApi.OCTDestroyCoordinateTransformation(transformation);
        }
    }
}
