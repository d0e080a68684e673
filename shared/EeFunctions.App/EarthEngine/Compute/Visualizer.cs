using System.Globalization;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>
/// <c>Image.visualize</c>: one or three bands stretched to 8 bits (min/max, or gain/bias), with gamma, and a palette
/// for one band; the result is the three bands <c>vis-red</c>, <c>vis-green</c>, <c>vis-blue</c>.
/// </summary>
internal static class Visualizer
{
    public static object? Visualize(AlgorithmCall call)
    {
        var image = call.Image("image");
        var bands = image.Bands;
        if (call.Raw("bands") is { } selected)
        {
            var names = selected switch
            {
                string s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                IReadOnlyList<object?> list => [.. list.Select(x => x as string ?? throw call.WrongType("bands", "List<String>"))],
                _ => throw call.WrongType("bands", "List<String>"),
            };
            bands = [.. names.Select(n => image.Bands.FirstOrDefault(b => b.Name == n) ?? throw call.Error($"Band '{n}' not found. Available bands: [{string.Join(", ", image.BandNames)}]."))];
        }

        if (bands.Count is not (1 or 3))
        {
            throw call.Error($"Visualization requires 1 or 3 bands, got {bands.Count}; select them with 'bands'.");
        }

        var palette = Palette(call);
        if (palette is not null && bands.Count != 1)
        {
            throw call.Error("A palette can only be used with a single band.");
        }

        if ((call.Has("gain") || call.Has("bias")) && (call.Has("min") || call.Has("max") || palette is not null))
        {
            throw call.Error("gain and bias cannot be combined with min, max or palette.");
        }

        var min = PerBand(call, "min", bands.Count, 0);
        var max = PerBand(call, "max", bands.Count, bands[0].Type.IsInteger && bands[0].Type.Max <= 255 && bands[0].Type.Min >= 0 ? 255 : 1);
        var gain = call.Has("gain") ? PerBand(call, "gain", bands.Count, 1) : null;
        var bias = call.Has("bias") ? PerBand(call, "bias", bands.Count, 0) : null;
        var gamma = PerBand(call, "gamma", bands.Count, 1);
        var opacity = call.OptionalNumber("opacity") ?? 1;
        string[] outNames = ["vis-red", "vis-green", "vis-blue"];
        var output = new List<ImageBand>();
        for (var channel = 0; channel < 3; channel++)
        {
            var c = channel;
            var i = bands.Count == 1 ? 0 : channel;
            var band = bands[i];
            output.Add(band with
            {
                Name = outNames[c],
                Type = PixelType.Int(0, 255),
                Compute = async s =>
                {
                    var p = await s.PixelsAsync(band);
                    var values = new double[p.Length];
                    var mask = new byte[p.Length];
                    for (var j = 0; j < values.Length; j++)
                    {
                        var v = p.Values[j];
                        double t = gain is not null ? (v * gain[i] + bias![i]) / 255.0 : max[i] == min[i] ? (v >= max[i] ? 1 : 0) : (v - min[i]) / (max[i] - min[i]);
                        t = Math.Clamp(double.IsNaN(t) ? 0 : t, 0, 1);
                        if (gamma[i] != 1)
                        {
                            t = Math.Pow(t, 1 / gamma[i]);
                        }

                        values[j] = palette is null ? Math.Round(t * 255) : Interpolate(palette, t, c);
                        mask[j] = (byte)Math.Round(p.Mask[j] * opacity);
                    }

                    return new BandPixels(values, mask);
                },
            });
        }

        return new EeImage(output);
    }

    private static double[] PerBand(AlgorithmCall call, string argument, int count, double fallback)
    {
        var values = call.Raw(argument) switch
        {
            null => [fallback],
            double d => [d],
            long l => [l],
            string s => s.Split(',').Select(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw call.WrongType(argument, "List<Float>")).ToArray(),
            _ => call.OptionalNumbers(argument)!.ToArray(),
        };
        return values.Length == 1 ? Enumerable.Repeat(values[0], count).ToArray()
            : values.Length == count ? values
            : throw call.Error($"'{argument}' needs 1 or {count} values, got {values.Length}.");
    }

    private static (byte R, byte G, byte B)[]? Palette(AlgorithmCall call)
    {
        var raw = call.Raw("palette") switch
        {
            null => null,
            string s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            IReadOnlyList<object?> list => [.. list.Select(x => x as string ?? throw call.WrongType("palette", "List<String>"))],
            _ => throw call.WrongType("palette", "List<String>"),
        };
        return raw?.Select(c => Color(call, c)).ToArray();
    }

    private static (byte R, byte G, byte B) Color(AlgorithmCall call, string color) =>
        CssColor.TryParse(color, out var rgb) ? rgb : throw call.Error($"Invalid palette color '{color}': use hex RGB such as 'ff0000' or a basic colour name.");

    private static double Interpolate((byte R, byte G, byte B)[] palette, double t, int channel)
    {
        if (palette.Length == 1)
        {
            return Channel(palette[0], channel);
        }

        var position = t * (palette.Length - 1);
        var i = Math.Min((int)Math.Floor(position), palette.Length - 2);
        var f = position - i;
        return Math.Round(Channel(palette[i], channel) * (1 - f) + Channel(palette[i + 1], channel) * f);
    }

    private static double Channel((byte R, byte G, byte B) color, int channel) => channel switch
    {
        0 => color.R,
        1 => color.G,
        _ => color.B,
    };
}
