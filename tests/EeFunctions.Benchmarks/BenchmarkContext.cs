using System.Globalization;
using System.Text.Json;

namespace EeFunctions.Benchmarks;

/// <summary>What a suite gets: its extra arguments, a scratch folder, and the table/JSON writers.</summary>
internal sealed class BenchmarkContext(IReadOnlyList<string> arguments, string scratchDirectory, TextWriter output)
{
    public IReadOnlyList<string> Arguments { get; } = arguments;

    /// <summary>A per-suite folder under the system temp dir, kept between runs for cached inputs.</summary>
    public string ScratchDirectory { get; } = scratchDirectory;

    public TextWriter Output { get; } = output;

    /// <summary>Prints an aligned table.</summary>
    public void WriteTable(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Count).Select(i => all.Max(r => i < r.Count ? r[i].Length : 0)).ToArray();
        foreach (var (row, index) in all.Select((r, i) => (r, i)))
        {
            Output.WriteLine(string.Join(" | ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))));
            if (index == 0)
            {
                Output.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
            }
        }
    }

    /// <summary>Prints the suite's figures as the single JSON object on the last line.</summary>
    public void WriteJson(IReadOnlyDictionary<string, object> figures) =>
        Output.WriteLine(JsonSerializer.Serialize(figures));

    public static string Format(double value, int decimals = 1) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
