namespace EeFunctions.Testing;

/// <summary>Finds the repository root (the folder holding <c>EeFunctions.sln</c>) from wherever tests run.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The repository root.</summary>
    public static string Root => s_root.Value;

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EeFunctions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Cannot find the repository root (EeFunctions.sln) above '{AppContext.BaseDirectory}'.");
    }
}
