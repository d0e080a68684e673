using System.Net;
using System.Net.Sockets;
using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster.Tests;

/// <summary>A caller's CRS text never makes GDAL fetch a URL or read a file (OSRSetFromUserInput would do both).</summary>
[Collection(GdalCollectionDefinition.Name)]
public sealed class CrsInputSafetyTests
{
    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/vsicurl/http://127.0.0.1:9/crs")]
    [InlineData("+proj=longlat +init=/etc/passwd:x")]
    [InlineData("ftp://127.0.0.1/crs.wkt")]
    public void A_path_url_or_file_lookup_is_refused_before_GDAL_sees_it(string definition)
    {
        var ex = Assert.Throws<ArgumentException>(() => SpatialReference.FromUserInput(definition));

        Assert.Contains("Not a coordinate reference system", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_crs_url_is_refused_without_a_request_being_made()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accept = listener.AcceptTcpClientAsync();

        Assert.Throws<ArgumentException>(() => SpatialReference.FromUserInput($"http://127.0.0.1:{port}/crs"));

        await Task.Delay(300);
        Assert.False(accept.IsCompleted, "GDAL connected to the URL given as a CRS.");
    }

    [Theory]
    [InlineData("EPSG:4326")]
    [InlineData("epsg:32610")]
    [InlineData("OGC:CRS84")]
    [InlineData("urn:ogc:def:crs:EPSG::3857")]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/32633")]
    [InlineData("+proj=utm +zone=10 +datum=WGS84 +units=m +no_defs")]
    public void Codes_urns_opengis_urls_and_proj_strings_are_accepted(string definition)
    {
        using var srs = SpatialReference.FromUserInput(definition);

        Assert.NotNull(srs.ToWkt());
    }
}
