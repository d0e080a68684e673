namespace EeFunctions.Testing;

/// <summary>
/// The team's sample data: <c>EEFUNCTIONS_TEST_DATA</c> if set, else <c>../shared/data</c> beside the repository;
/// a clear failure naming both when neither exists.
/// </summary>
public static class TestData
{
    /// <summary>The environment variable that points at the sample data folder.</summary>
    public const string EnvironmentVariable = "EEFUNCTIONS_TEST_DATA";

    private static readonly Lazy<string> s_root = new(Locate);

    /// <summary>The data folder (it holds <c>rasters/</c> and <c>README.md</c>).</summary>
    public static string Root => s_root.Value;

    /// <summary>The folder of sample rasters.</summary>
    public static string RastersDirectory => Path.Combine(Root, "rasters");

    /// <summary>The full path of one sample raster; fails clearly when it is missing.</summary>
    public static string Raster(string fileName)
    {
        var path = Path.Combine(RastersDirectory, fileName);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Sample raster '{fileName}' is not in '{RastersDirectory}'.", path);
    }

    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Directory.Exists(fromEnv)
                ? Path.GetFullPath(fromEnv)
                : throw new DirectoryNotFoundException($"{EnvironmentVariable} is set to '{fromEnv}', which does not exist.");
        }

        var beside = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data"));
        return Directory.Exists(beside)
            ? beside
            : throw new DirectoryNotFoundException(
                $"Sample data not found: set {EnvironmentVariable} to the data folder, or place it at '{beside}' (../shared/data beside the repository).");
    }
}
