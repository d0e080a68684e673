using EeFunctions.Raster.Gdal;

namespace EeFunctions.App.Health;

/// <summary>
/// Whether GDAL is initialised with the drivers the raster pipeline needs. Reports the exact install command when libgdal
/// is missing, so a user sees why raster operations fail while the rest of the service runs (ARCHITECTURE §5).
/// </summary>
public sealed class GdalHealthProbe : IHealthProbe
{
    public string Component => "gdal";

    public Task<ComponentHealth> CheckAsync(CancellationToken cancellationToken)
    {
        var status = GdalRuntime.Status ?? GdalRuntime.TryInitialize();
        if (!status.IsAvailable)
        {
            return Task.FromResult(new ComponentHealth(false, status.Error ?? "libgdal is not available", status.InstallCommand));
        }

        var missing = GdalRuntime.RequiredDrivers.Where(d => !GdalRuntime.HasDriver(d)).ToList();
        return Task.FromResult(missing.Count == 0
            ? new ComponentHealth(true, $"GDAL {status.Version} ({status.Library})")
            : new ComponentHealth(false, $"GDAL {status.Version} lacks drivers: {string.Join(", ", missing)}", status.InstallCommand));
    }
}
