using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster.Tests;

[Collection(GdalCollectionDefinition.Name)]
public sealed class GdalRuntimeTests(GdalFixture fixture)
{
    public static TheoryData<string> NeededDrivers => new(GdalRuntime.RequiredDrivers);

    [Theory]
    [MemberData(nameof(NeededDrivers))]
    public void Driver_we_need_is_registered(string driver) => Assert.True(GdalRuntime.HasDriver(driver), $"GDAL driver {driver} is missing.");

    [Fact]
    public void Driver_manifest_lists_exactly_the_formats_the_code_writes() =>
        Assert.Equal(["GTiff", "COG", "PNG", "JPEG", "VRT", "MEM"], GdalRuntime.RequiredDrivers);

    [Fact]
    public void Status_reports_a_loaded_gdal_3_with_its_library_name()
    {
        Assert.True(fixture.Status.IsAvailable);
        Assert.StartsWith("3.", fixture.Status.Version);
        Assert.StartsWith("libgdal", fixture.Status.Library);
        Assert.Null(fixture.Status.Error);
    }

    [Fact]
    public void Initialize_is_idempotent()
    {
        var again = GdalRuntime.Initialize(new RasterOptions { GdalCacheMaxMb = 512 });
        Assert.Same(fixture.Status, again);
        Assert.Equal(64L * 1024 * 1024, GdalApi.GDALGetCacheMax64());
    }

    [Fact]
    public void Unavailable_status_names_the_install_command() =>
        Assert.Equal("apt-get install -y --no-install-recommends libgdal32", fixture.Status.InstallCommand);

    [Fact]
    public void Library_candidates_start_with_the_debian_12_soname_and_cover_newer_ones()
    {
        Assert.Equal("libgdal.so.32", GdalLibrary.Candidates[0]);
        Assert.Contains("libgdal.so.34", GdalLibrary.Candidates);
    }

    [Fact]
    public void Invalid_options_are_rejected_with_the_setting_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RasterOptions { TileSize = 255 }.Validate());
        Assert.Contains("TileSize", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new RasterOptions { GdalNumThreads = "lots" }.Validate());
        Assert.Contains("GdalNumThreads", ex.Message);
    }

    [Fact]
    public void Gdal_errors_become_exceptions_carrying_gdals_message()
    {
        var ex = Assert.Throws<RasterFormatException>(() => GdalDataset.Open("/nonexistent/nowhere.tif"));
        Assert.Contains("nowhere.tif", ex.Message);
        Assert.Equal(4, ex.ErrorNumber);
    }

    [Fact]
    public void Errors_stay_on_the_thread_that_caused_them()
    {
        bool failedThreadSees = false, otherThreadSees = true;
        using var failed = new ManualResetEventSlim();
        using var checkedOther = new ManualResetEventSlim();
        var a = new Thread(() =>
        {
            GdalErrors.Reset();
            _ = GdalApi.GDALOpenEx("/nonexistent/a.tif", GdalApi.OfRaster | GdalApi.OfVerboseError, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
            failed.Set();
            checkedOther.Wait();
            failedThreadSees = GdalErrors.HasFailure();
            GdalErrors.Reset();
        });
        var b = new Thread(() =>
        {
            failed.Wait();
            otherThreadSees = GdalErrors.HasFailure();
            checkedOther.Set();
        });
        a.Start();
        b.Start();
        a.Join();
        b.Join();
        Assert.True(failedThreadSees);
        Assert.False(otherThreadSees);
    }

    [Fact]
    public void A_gdal_config_key_that_is_not_an_option_name_is_rejected()
    {
        var options = new RasterOptions();
        options.GdalConfig["cpl debug"] = "ON";

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("cpl debug", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_gdal_options_override_the_remote_read_defaults_and_an_empty_value_removes_one()
    {
        var options = new RasterOptions();
        options.GdalConfig["CPL_VSIL_CURL_CHUNK_SIZE"] = "4194304";
        options.GdalConfig["GDAL_HTTP_TIMEOUT"] = string.Empty;

        var effective = options.EffectiveGdalConfig();

        Assert.Equal("4194304", effective["CPL_VSIL_CURL_CHUNK_SIZE"]);
        Assert.Equal(string.Empty, effective["GDAL_HTTP_TIMEOUT"]);
        Assert.Equal("EMPTY_DIR", effective["GDAL_DISABLE_READDIR_ON_OPEN"]);
    }

    [Fact]
    public void Only_http_urls_become_remote_read_paths()
    {
        Assert.Equal("/vsicurl/http://127.0.0.1:1/c/b.tif?sig=x", GdalRuntime.RemotePath(new Uri("http://127.0.0.1:1/c/b.tif?sig=x")));
        Assert.Throws<ArgumentException>(() => GdalRuntime.RemotePath(new Uri("file:///etc/passwd")));
    }
}
