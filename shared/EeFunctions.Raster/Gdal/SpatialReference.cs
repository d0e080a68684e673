namespace EeFunctions.Raster.Gdal;

/// <summary>An OGR spatial reference (traditional GIS axis order: x = easting/longitude). Not thread-safe.</summary>
internal sealed class SpatialReference : IDisposable
{
    private IntPtr _handle;

    private SpatialReference(IntPtr handle) => _handle = handle;

    public IntPtr Raw => _handle;

    /// <summary>From WKT, "EPSG:n", PROJ strings or anything <c>OSRSetFromUserInput</c> accepts.</summary>
    public static SpatialReference FromUserInput(string definition)
    {
        GdalRuntime.EnsureAvailable();
        GdalErrors.Reset();
        var handle = GdalApi.OSRNewSpatialReference(null);
        var srs = new SpatialReference(handle);
        if (GdalApi.OSRSetFromUserInput(handle, definition) != 0)
        {
            srs.Dispose();
            GdalErrors.Reset();
            throw new ArgumentException($"Not a coordinate reference system GDAL understands: '{Shorten(definition)}'.", nameof(definition));
        }

        GdalErrors.Reset();
        GdalApi.OSRSetAxisMappingStrategy(handle, 0);
        return srs;
    }

    /// <summary>The EPSG code of the CRS itself (not of its base CRS), directly or by identification; else null.</summary>
    public int? EpsgCode()
    {
        if (TryAuthority(null, out var code))
        {
            return code;
        }

        GdalErrors.Reset();
        var identified = GdalApi.OSRAutoIdentifyEPSG(_handle) == 0 && TryAuthority(null, out code);
        GdalErrors.Reset();
        return identified ? code : null;
    }

    private bool TryAuthority(string? key, out int code)
    {
        code = 0;
        var name = GdalApi.ToStringOrNull(GdalApi.OSRGetAuthorityName(_handle, key));
        var value = GdalApi.ToStringOrNull(GdalApi.OSRGetAuthorityCode(_handle, key));
        return string.Equals(name, "EPSG", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, out code);
    }

    public string ToWkt()
    {
        GdalErrors.Reset();
        GdalErrors.Check(GdalApi.OSRExportToWkt(_handle, out var wkt), "Exporting WKT");
        try
        {
            return GdalApi.ToStringOrNull(wkt) ?? string.Empty;
        }
        finally
        {
            unsafe
            {
                GdalApi.VSIFree((void*)wkt);
            }
        }
    }

    public bool IsSame(SpatialReference other) => GdalApi.OSRIsSame(_handle, other._handle) != 0;

    public void Dispose()
    {
        if (_handle != IntPtr.Zero)
        {
            GdalApi.OSRDestroySpatialReference(_handle);
            _handle = IntPtr.Zero;
        }
    }

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
