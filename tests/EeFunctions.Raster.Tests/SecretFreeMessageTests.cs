namespace EeFunctions.Raster.Tests;

/// <summary>A source URL's query is a SAS: no raster error message may carry it to a caller or a log.</summary>
[Collection(GdalCollectionDefinition.Name)]
public sealed class SecretFreeMessageTests
{
    [Fact]
    public void A_failed_remote_open_names_the_url_without_its_query()
    {
        var path = "/vsicurl/http://127.0.0.1:9/container/source.tif?sv=2019-12-12&sr=b&sp=r&sig=TOPSECRET%3D";

        var ex = Assert.ThrowsAny<Exception>(() => RasterInspector.Inspect(path));

        Assert.DoesNotContain("TOPSECRET", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", ex.Message, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:9/container/source.tif", ex.Message, StringComparison.Ordinal);
    }
}
