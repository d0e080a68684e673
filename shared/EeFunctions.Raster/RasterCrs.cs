using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster;

/// <summary>
/// Coordinate reference systems given by callers: checked and turned into the WKT our layouts carry
/// (<see cref="Tiles.TilesetLayout.CrsWkt"/>), so a CRS string is validated once at the edge rather than passed on blindly.
/// </summary>
/// <remarks>Needs GDAL: throws <see cref="GdalUnavailableException"/> when it is missing.</remarks>
public static class RasterCrs
{
    private const string Accepted = "expected EPSG:<code>, WKT or a PROJ string";

    /// <summary>
    /// The CRS of <paramref name="userInput"/> (<c>EPSG:32610</c>, an OGC CRS URL or URN, WKT 1 or 2, a PROJ string) as
    /// GDAL's WKT, with its EPSG code when it carries one or GDAL identifies it (not every PROJ string is identified: the
    /// code is a hint, the WKT is the CRS); else a null code.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="userInput"/> is null.</exception>
    /// <exception cref="ArgumentException">GDAL does not understand it, or it names a file or URL to fetch.</exception>
    public static (string Wkt, int? Epsg) Normalize(string userInput)
    {
        using var srs = Parse(userInput, nameof(userInput));
        return (srs.ToWkt(), srs.EpsgCode());
    }

    /// <summary>Whether two CRS strings (in any form <see cref="Normalize"/> takes) denote the same CRS, whatever their text.</summary>
    /// <exception cref="ArgumentException">Either is not a CRS (see <see cref="Normalize"/>).</exception>
    public static bool IsSame(string first, string second)
    {
        using var a = Parse(first, nameof(first));
        using var b = Parse(second, nameof(second));
        return a.IsSame(b);
    }

    private static SpatialReference Parse(string userInput, string parameter)
    {
        ArgumentNullException.ThrowIfNull(userInput, parameter);
        var text = userInput.Trim();
        if (text.Length == 0)
        {
            throw new ArgumentException($"The CRS is empty: {Accepted}.", parameter);
        }

        // GDAL reads a definition from a file or fetches it from a URL when given one: caller input must not make the
        // service read its disk or the network (the text could come back in an asset's CRS).
        if (IsFileOrUrl(text))
        {
            throw new ArgumentException($"'{Shorten(text)}' is a file or URL, not a CRS: {Accepted}.", parameter);
        }

        try
        {
            return SpatialReference.FromUserInput(text);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"'{Shorten(text)}' is not a CRS GDAL understands: {Accepted}.", parameter);
        }
    }

    private static bool IsFileOrUrl(string text)
    {
        // OGC definition URLs (http://www.opengis.net/def/crs/EPSG/0/4326) are parsed by GDAL locally.
        if (text.StartsWith("http://www.opengis.net/def/crs/", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("http://opengis.net/def/crs/", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return text.StartsWith("/vsi", StringComparison.OrdinalIgnoreCase)
            || (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ftp" or "file")
            || File.Exists(text);
    }

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
