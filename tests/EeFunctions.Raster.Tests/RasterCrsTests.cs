namespace EeFunctions.Raster.Tests;

[Collection(GdalCollectionDefinition.Name)]
public sealed class RasterCrsTests
{
    private const string Utm10Proj = "+proj=utm +zone=10 +datum=WGS84 +units=m +no_defs";

    [Theory]
    [InlineData("EPSG:4326", 4326)]
    [InlineData("epsg:32610", 32610)]
    [InlineData("EPSG:3857", 3857)]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/32633", 32633)]
    public void An_EPSG_code_gives_its_WKT_and_code(string input, int epsg)
    {
        var (wkt, code) = RasterCrs.Normalize(input);

        Assert.Equal(epsg, code);
        Assert.Contains($"AUTHORITY[\"EPSG\",\"{epsg}\"]", wkt, StringComparison.Ordinal);
    }

    [Fact]
    public void WKT_and_PROJ_strings_normalize_to_the_same_CRS_as_their_code()
    {
        var fromCode = RasterCrs.Normalize("EPSG:32610");
        var fromWkt = RasterCrs.Normalize(fromCode.Wkt);
        var fromProj = RasterCrs.Normalize(Utm10Proj);

        Assert.Equal(fromCode, fromWkt);
        Assert.True(RasterCrs.IsSame(fromProj.Wkt, "EPSG:32610"));
    }

    [Fact]
    public void A_CRS_without_an_EPSG_code_keeps_its_WKT_and_no_code()
    {
        var (wkt, code) = RasterCrs.Normalize("+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=sphere +units=m");

        Assert.Null(code);
        Assert.StartsWith("PROJCS[", wkt, StringComparison.Ordinal);
    }

    [Fact]
    public void IsSame_compares_the_CRS_not_the_text()
    {
        Assert.True(RasterCrs.IsSame("EPSG:32610", Utm10Proj));
        Assert.True(RasterCrs.IsSame("EPSG:4326", RasterCrs.Normalize("epsg:4326").Wkt));
        Assert.False(RasterCrs.IsSame("EPSG:32610", "EPSG:32611"));
        Assert.False(RasterCrs.IsSame("EPSG:4326", "EPSG:3857"));
    }

    [Theory]
    [InlineData("not a crs")]
    [InlineData("EPSG:999999")]
    [InlineData("PROJCS[\"broken\"")]
    [InlineData("+proj=nonsense")]
    [InlineData("")]
    [InlineData("   ")]
    public void Garbage_is_an_ArgumentException_naming_the_input_and_what_is_accepted(string input)
    {
        var error = Assert.Throws<ArgumentException>(() => RasterCrs.Normalize(input));

        Assert.Equal("userInput", error.ParamName);
        Assert.Contains("EPSG:<code>, WKT or a PROJ string", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RasterCrs.IsSame("EPSG:4326", input));
    }

    [Fact]
    public void Null_is_an_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => RasterCrs.Normalize(null!));
        Assert.Throws<ArgumentNullException>(() => RasterCrs.IsSame(null!, "EPSG:4326"));
    }

    [Fact]
    public void Files_and_URLs_are_refused_rather_than_read()
    {
        using var temp = new TempDirectory();
        var file = Path.Combine(temp.Path, "crs.wkt");
        File.WriteAllText(file, RasterCrs.Normalize("EPSG:4326").Wkt);

        foreach (var input in new[] { file, "/vsicurl/http://127.0.0.1:9/crs.wkt", "https://127.0.0.1:9/crs.wkt", "http://example.invalid/epsg.wkt" })
        {
            var error = Assert.Throws<ArgumentException>(() => RasterCrs.Normalize(input));
            Assert.Contains("file or URL", error.Message, StringComparison.Ordinal);
        }
    }
}
