using EeFunctions.Raster.Gdal;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EeFunctions.Raster;

/// <summary>Registers the raster core: options (validated at start), GDAL initialisation, tiler and reader.</summary>
public static class RasterServiceCollectionExtensions
{
    public static IServiceCollection AddRaster(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RasterOptions>().Bind(configuration.GetSection(RasterOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RasterOptions>, RasterOptionsValidator>();
        services.AddSingleton<RasterTiler>();
        services.AddSingleton<RasterReader>();
        services.AddHostedService<GdalStartup>();
        return services;
    }
}

/// <summary>Validates <see cref="RasterOptions"/> with the message of <see cref="RasterOptions.Validate"/>.</summary>
internal sealed class RasterOptionsValidator : IValidateOptions<RasterOptions>
{
    public ValidateOptionsResult Validate(string? name, RasterOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}

/// <summary>
/// Initialises GDAL when the host starts. Missing GDAL is logged (critical, with the install command) and, per
/// ARCHITECTURE §5, the service keeps running so its health endpoint can say why; every raster operation then
/// fails with the same message. With <see cref="RasterOptions.RequireGdal"/> the start fails instead.
/// </summary>
internal sealed class GdalStartup(IOptions<RasterOptions> options, ILogger<GdalStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var status = GdalRuntime.TryInitialize(settings);
        if (status.IsAvailable)
        {
            logger.GdalReady(status.Version, status.Library, settings.GdalCacheMaxMb, settings.GdalNumThreads);
            return Task.CompletedTask;
        }

        logger.GdalUnavailable(status.Error);
        return settings.RequireGdal ? Task.FromException(new GdalUnavailableException(status.Error!)) : Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
