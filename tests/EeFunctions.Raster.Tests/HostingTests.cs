using EeFunctions.Raster.Gdal;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EeFunctions.Raster.Tests;

[Collection(GdalCollectionDefinition.Name)]
public sealed class HostingTests
{
    [Fact]
    public async Task Options_bind_from_the_raster_section_and_the_host_initialises_gdal()
    {
        using var provider = Build(new() { ["Raster:TileSize"] = "512", ["Raster:GdalCacheMaxMb"] = "96", ["Raster:Compression"] = "Zstd" });
        var options = provider.GetRequiredService<IOptions<RasterOptions>>().Value;
        Assert.Equal((512, 96, TileCompression.Zstd), (options.TileSize, options.GdalCacheMaxMb, options.Compression));
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        Assert.True(GdalRuntime.Status!.IsAvailable);
        Assert.NotNull(provider.GetRequiredService<RasterTiler>());
        Assert.NotNull(provider.GetRequiredService<RasterReader>());
    }

    [Fact]
    public void Invalid_configuration_is_rejected_naming_the_setting()
    {
        using var provider = Build(new() { ["Raster:TileSize"] = "7" });
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RasterOptions>>().Value);
        Assert.Contains("TileSize", ex.Message);
    }

    [Fact]
    public void A_missing_library_reports_unavailable_with_the_exact_install_command_without_throwing()
    {
        var status = GdalRuntime.Probe(["libgdal-does-not-exist.so.99"]);
        Assert.False(status.IsAvailable);
        Assert.Contains("libgdal-does-not-exist.so.99", status.Error);
        Assert.EndsWith("Install it with: apt-get install -y --no-install-recommends libgdal32", status.Error);
    }

    [Fact]
    public void The_installed_soname_is_found_by_probing_the_candidates()
    {
        var status = GdalRuntime.Probe(GdalLibrary.Candidates);
        Assert.True(status.IsAvailable, status.Error);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRaster(configuration);
        return services.BuildServiceProvider();
    }
}
