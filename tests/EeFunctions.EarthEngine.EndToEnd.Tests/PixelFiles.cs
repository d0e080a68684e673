using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>Decoding aids for getPixels responses that do not go through the service: temp files, an NPY reader, gdal-bin tools.</summary>
internal static partial class PixelFiles
{
    /// <summary>Coordinates from <paramref name="crs"/> to longitude/latitude with gdaltransform, an oracle independent of the service.</summary>
    public static (double X, double Y)[] ToLonLat((double X, double Y)[] points, string crs)
    {
        var output = RunTool("gdaltransform", string.Join('\n', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X} {p.Y}"))), "-s_srs", crs, "-t_srs", "EPSG:4326", "-output_xy");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
        })];
    }

    public static string GdalInfo(string path) => RunTool("gdalinfo", string.Empty, path);

    private static string RunTool(string tool, string input, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed");
        return output;
    }

    /// <summary>A temporary file holding response bytes, deleted on dispose.</summary>
    public sealed class TempFile : IDisposable
    {
        public TempFile(byte[] bytes, string extension)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eepixfmt-" + Guid.NewGuid().ToString("N") + extension);
            File.WriteAllBytes(Path, bytes);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }

    /// <summary>An NPY 1.0 file parsed by hand: the structured dtype's fields, the shape, and the records.</summary>
    public sealed partial record Npy(IReadOnlyList<(string Name, string Type)> Fields, int Height, int Width, byte[] Data)
    {
        public static Npy Parse(byte[] bytes)
        {
            Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
            var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            Assert.Equal(0, (10 + headerLength) % 64);
            var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
            Assert.EndsWith("\n", header, StringComparison.Ordinal);
            Assert.Contains("'fortran_order': False", header, StringComparison.Ordinal);
            var fields = FieldPattern().Matches(header).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
            var shape = ShapePattern().Match(header);
            Assert.True(shape.Success, header);
            var (height, width) = (int.Parse(shape.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(shape.Groups[2].Value, CultureInfo.InvariantCulture));
            var data = bytes[(10 + headerLength)..];
            Assert.Equal((long)height * width * fields.Sum(f => Size(f.Item2)), data.Length);
            return new Npy(fields, height, width, data);
        }

        /// <summary>Field <paramref name="field"/> of record <paramref name="index"/> as a number.</summary>
        public double Value(int index, int field)
        {
            var offset = (index * Fields.Sum(f => Size(f.Type))) + Fields.Take(field).Sum(f => Size(f.Type));
            var at = Data.AsSpan(offset);
            return Fields[field].Type switch
            {
                "|u1" => at[0],
                "<u2" => BinaryPrimitives.ReadUInt16LittleEndian(at),
                "<i2" => BinaryPrimitives.ReadInt16LittleEndian(at),
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(at),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(at),
                var other => throw new InvalidOperationException($"Unexpected dtype {other}."),
            };
        }

        private static int Size(string type) => int.Parse(type[2..], CultureInfo.InvariantCulture);

        [GeneratedRegex(@"\('([^']+)', '([<>|][a-z]\d)'\)")]
        private static partial Regex FieldPattern();

        [GeneratedRegex(@"'shape': \((\d+), (\d+)\)")]
        private static partial Regex ShapePattern();
    }
}
