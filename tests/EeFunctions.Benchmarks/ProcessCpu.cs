using System.Globalization;

namespace EeFunctions.Benchmarks;

/// <summary>CPU seconds (user + system) a process has used, from /proc, to show where a run's cores went.</summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100;

    public static double Seconds(int processId)
    {
        var stat = $"/proc/{processId}/stat";
        if (!File.Exists(stat))
        {
            return double.NaN;
        }

        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
        var text = File.ReadAllText(stat);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>The first process whose command line contains every one of <paramref name="parts"/>, or null.</summary>
    public static int? Find(params string[] parts)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (parts.All(p => cmdline.Contains(p, StringComparison.Ordinal)) && !cmdline.StartsWith("bash", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }
}
