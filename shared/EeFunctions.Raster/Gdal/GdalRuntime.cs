using System.Globalization;

namespace EeFunctions.Raster.Gdal;

/// <summary>What the host's health endpoint reports about GDAL; obtaining it never throws.</summary>
/// <param name="IsAvailable">libgdal loaded, drivers registered, and every required driver present.</param>
/// <param name="Version">GDAL's release name, when loaded.</param>
/// <param name="Library">The library name that loaded.</param>
/// <param name="Error">Why GDAL is unavailable, including the install command.</param>
/// <param name="InstallCommand">The command that installs GDAL on Debian 12 (the project's image).</param>
public sealed record GdalStatus(bool IsAvailable, string? Version, string? Library, string? Error, string InstallCommand = GdalRuntime.InstallCommand);

/// <summary>
/// Loads and initialises GDAL once per process: resolves the soname, registers drivers, installs the error
/// handler, and sets <c>GDAL_CACHEMAX</c> and <c>GDAL_NUM_THREADS</c> from <see cref="RasterOptions"/>.
/// GDAL's configuration is process-wide, so the first successful initialisation wins.
/// </summary>
public static class GdalRuntime
{
    /// <summary>The exact command that installs the library this code needs.</summary>
    public const string InstallCommand = "apt-get install -y --no-install-recommends libgdal32";

    /// <summary>Drivers every raster operation relies on; a missing one makes GDAL unavailable.</summary>
    public static readonly IReadOnlyList<string> RequiredDrivers = ["GTiff", "COG", "PNG", "JPEG", "VRT", "MEM"];

    private static readonly Lock s_gate = new();
    private static GdalStatus? s_status;

    /// <summary>The status after the first initialisation attempt, or null before any.</summary>
    public static GdalStatus? Status => s_status;

    /// <summary>Initialises GDAL if needed and reports whether it is usable; never throws.</summary>
    public static GdalStatus TryInitialize(RasterOptions? options = null)
    {
        lock (s_gate)
        {
            if (s_status is { IsAvailable: true })
            {
                return s_status;
            }

            options ??= new RasterOptions();
            s_status = Load(options);
            return s_status;
        }
    }

    /// <summary>Initialises GDAL, or throws <see cref="GdalUnavailableException"/> naming the install command.</summary>
    public static GdalStatus Initialize(RasterOptions? options = null)
    {
        var status = TryInitialize(options);
        return status.IsAvailable ? status : throw new GdalUnavailableException(status.Error!);
    }

    /// <summary>Called by every raster operation: initialises with defaults if the host did not, else fails clearly.</summary>
    internal static void EnsureAvailable()
    {
        var status = s_status;
        if (status is { IsAvailable: true })
        {
            return;
        }

        Initialize(null);
    }

    /// <summary>
    /// The GDAL path that range-reads an http(s) URL in place (<c>/vsicurl/</c>); the URL carries its own
    /// authorisation (a SAS), since GDAL's HTTP options are process-wide.
    /// </summary>
    public static string RemotePath(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Only http(s) URLs can be read in place, not '{uri.Scheme}'.", nameof(uri));
        }

        return "/vsicurl/" + uri.AbsoluteUri;
    }

    /// <summary>Whether GDAL has a driver of this short name registered.</summary>
    public static bool HasDriver(string name)
    {
        EnsureAvailable();
        return GdalApi.GDALGetDriverByName(name) != IntPtr.Zero;
    }

    /// <summary>Whether any of <paramref name="candidates"/> loads, without touching the process's GDAL (for checks and tests).</summary>
    internal static GdalStatus Probe(IEnumerable<string> candidates)
    {
        var names = candidates.ToList();
        foreach (var name in names)
        {
            if (System.Runtime.InteropServices.NativeLibrary.TryLoad(name, out var handle))
            {
                System.Runtime.InteropServices.NativeLibrary.Free(handle);
                return new GdalStatus(true, null, name, null);
            }
        }

        return Unavailable(null, null, $"libgdal was not found (tried {string.Join(", ", names)}).");
    }

    private static GdalStatus Load(RasterOptions options)
    {
        try
        {
            options.Validate();
            if (!GdalLibrary.TryLoad(options.GdalLibraryPath, out var loadError))
            {
                return Unavailable(null, null, loadError!);
            }

            GdalApi.CPLSetErrorHandler(GdalErrors.HandlerPointer);
            GdalApi.GDALAllRegister();
            GdalApi.GDALSetCacheMax64((long)options.GdalCacheMaxMb * 1024 * 1024);
            GdalApi.CPLSetConfigOption("GDAL_NUM_THREADS", options.GdalNumThreads);
            // Never write .aux.xml side files next to sources (they may be read-only or shared).
            GdalApi.CPLSetConfigOption("GDAL_PAM_ENABLED", "NO");
            foreach (var (key, value) in options.EffectiveGdalConfig())
            {
                GdalApi.CPLSetConfigOption(key, value.Length == 0 ? null : value);
            }

            var version = GdalApi.ToStringOrNull(GdalApi.GDALVersionInfo("RELEASE_NAME"));
            var missing = RequiredDrivers.Where(d => GdalApi.GDALGetDriverByName(d) == IntPtr.Zero).ToList();
            if (missing.Count > 0)
            {
                return Unavailable(version, GdalLibrary.LoadedName, $"GDAL {version} lacks the drivers {string.Join(", ", missing)}.");
            }

            return new GdalStatus(true, version, GdalLibrary.LoadedName, null);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or ArgumentException)
        {
            return Unavailable(null, GdalLibrary.LoadedName, ex.Message);
        }
    }

    private static GdalStatus Unavailable(string? version, string? library, string reason) =>
        new(false, version, library, string.Create(
            CultureInfo.InvariantCulture,
            $"GDAL is not available: {reason} Install it with: {InstallCommand}"));
}
