using System.Runtime.InteropServices;

namespace EeFunctions.Functions.Health;

/// <summary>
/// Whether libgdal loads. Reports the exact install command when it does not, so a user sees why raster
/// operations fail while the rest of the service runs.
/// </summary>
public sealed class GdalHealthProbe : IHealthProbe
{
    /// <summary>What a Debian or Ubuntu machine needs for the raster pipeline.</summary>
    public const string InstallCommand = "apt-get install -y --no-install-recommends libgdal32 gdal-bin";

    private static readonly string[] s_candidates = ["libgdal.so.32", "libgdal.so", "libgdal.so.34", "libgdal.so.33", "libgdal.so.36", "libgdal.so.35", "gdal.dll"];

    public string Component => "gdal";

    public Task<ComponentHealth> CheckAsync(CancellationToken cancellationToken)
    {
        foreach (var name in s_candidates)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                NativeLibrary.Free(handle);
                return Task.FromResult(new ComponentHealth(true, $"{name} loads"));
            }
        }

        return Task.FromResult(new ComponentHealth(false, $"libgdal is not installed (tried {string.Join(", ", s_candidates)})", InstallCommand));
    }
}
