namespace EeFunctions.Raster.Gdal;

/// <summary>An OGR spatial reference (traditional GIS axis order: x = easting/longitude). Not thread-safe.</summary>
internal sealed partial class SpatialReference : IDisposable
{
    private IntPtr _handle;

    private SpatialReference(IntPtr handle) => _handle = handle;

    public IntPtr Raw => _handle;

    /// <summary>
    /// From WKT, an authority code ("EPSG:n", "ESRI:n", an OGC URN) or a PROJ string. Nothing else reaches
    /// <c>OSRSetFromUserInput</c>: it would also fetch a URL or read a file named by the caller.
    /// </summary>
    public static SpatialReference FromUserInput(string definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!IsSafeDefinition(definition))
        {
            throw new ArgumentException($"Not a coordinate reference system: '{Shorten(definition)}' (give a code such as EPSG:4326, a WKT definition or a PROJ string).", nameof(definition));
        }

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

    /// <summary>Definitions GDAL resolves without network or file access.</summary>
    internal static bool IsSafeDefinition(string definition)
    {
        var text = definition.Trim();
        return SafeDefinition().IsMatch(text);
    }

    // Authority codes, OGC URNs and opengis.net CRS URLs (parsed locally), WKT (an upper-case keyword and '['), PROJ
    // strings ('+proj=' without '+init=' file lookups).
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:(?i:EPSG|ESRI|IAU_2015|OGC|CRS):[A-Za-z0-9_]{1,20}|(?i:urn:ogc:def:crs:)[A-Za-z0-9_]+:[0-9.]*:[A-Za-z0-9_]+|(?i:https?://www\.opengis\.net/def/crs/)[A-Za-z0-9_]+/[0-9.]+/[A-Za-z0-9_]+|[A-Z][A-Z0-9_]*\[[\s\S]*\]|\+proj=(?![\s\S]*\+init=)[^\n]*)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SafeDefinition();

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

    /// <summary>Whether the CRS is geographic (its units are degrees of longitude and latitude).</summary>
    public bool IsGeographic => GdalApi.OSRIsGeographic(_handle) != 0;

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
