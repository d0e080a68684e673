using System.Reflection;
using System.Runtime.InteropServices;

namespace EeFunctions.Raster.Gdal;

/// <summary>
/// Maps the logical library name <c>gdal</c> to the first GDAL shared library that loads. Distributions ship
/// different sonames (Debian 12: <c>libgdal.so.32</c>; newer releases: higher numbers) and no unversioned
/// <c>libgdal.so</c> without the -dev package, so the name is resolved at run time.
/// </summary>
internal static class GdalLibrary
{
    /// <summary>Candidates in order; an explicit path from options goes first.</summary>
    internal static readonly string[] Candidates =
    [
        "libgdal.so.32", "libgdal.so.33", "libgdal.so.34", "libgdal.so.35", "libgdal.so.36", "libgdal.so.37",
        "libgdal.so.38", "libgdal.so.31", "libgdal.so.30", "libgdal.so", "libgdal.dylib", "gdal.dll",
    ];

    private static readonly Lock s_gate = new();
    private static bool s_resolverSet;
    private static IntPtr s_handle;
    private static string? s_loadedName;

    /// <summary>The name that loaded, once <see cref="TryLoad"/> succeeded.</summary>
    internal static string? LoadedName => s_loadedName;

    /// <summary>Loads libgdal (once) and installs the import resolver; never throws.</summary>
    internal static bool TryLoad(string? explicitPath, out string? error)
    {
        lock (s_gate)
        {
            if (s_handle != IntPtr.Zero)
            {
                error = null;
                return true;
            }

            var names = string.IsNullOrWhiteSpace(explicitPath) ? Candidates : [explicitPath, .. Candidates];
            foreach (var name in names)
            {
                if (NativeLibrary.TryLoad(name, out var handle))
                {
                    s_handle = handle;
                    s_loadedName = name;
                    break;
                }
            }

            if (s_handle == IntPtr.Zero)
            {
                error = $"libgdal was not found (tried {string.Join(", ", names)}).";
                return false;
            }

            if (!s_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(GdalLibrary).Assembly, Resolve);
                s_resolverSet = true;
            }

            error = null;
            return true;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == GdalApi.Library ? s_handle : IntPtr.Zero;
}
