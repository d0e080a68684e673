using System.Diagnostics;
using System.Globalization;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>gdal-bin as an independent oracle: raw band and mask values of any file.</summary>
internal static class GdalTool
{
    /// <summary>The raw samples of band <paramref name="band"/> (or "mask,n") as doubles, with the size.</summary>
    public static (double[] Values, int Width, int Height) Read(string path, string band, string type = "Float64")
    {
        var output = Path.Combine(Path.GetTempPath(), "eegdal-" + Guid.NewGuid().ToString("N") + ".raw");
        try
        {
            Run("gdal_translate", "-q", "-of", "ENVI", "-ot", type, "-a_ullr", "0", "0", "1", "1", "-b", band, path, output);
            var bytes = File.ReadAllBytes(output);
            var values = new double[bytes.Length / 8];
            Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 8);
            var header = File.ReadAllLines(Path.ChangeExtension(output, ".hdr"));
            int Field(string name) => int.Parse(header.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split('=')[1].Trim(), CultureInfo.InvariantCulture);
            return (values, Field("samples"), Field("lines"));
        }
        finally
        {
            foreach (var f in Directory.GetFiles(Path.GetDirectoryName(output)!, Path.GetFileNameWithoutExtension(output) + "*"))
            {
                File.Delete(f);
            }
        }
    }

    /// <summary>gdalinfo's JSON report of a file (with band statistics off).</summary>
    public static System.Text.Json.Nodes.JsonNode Info(string path)
    {
        var start = new ProcessStartInfo("gdalinfo") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-json");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return System.Text.Json.Nodes.JsonNode.Parse(output)!;
    }

    public static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed: {error}");
        }
    }
}
