using System.Globalization;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.Raster.Reading;

/// <summary>
/// Earth Engine's visualization parameters, already validated: ranges (one for all bands or one per band),
/// an optional palette (single band only), gamma and opacity.
/// </summary>
public sealed record Visualization
{
    /// <summary>The value range mapped onto 0–255 (values outside are clamped); null = 0–255.</summary>
    public IReadOnlyList<(double Min, double Max)>? Ranges { get; init; }

    /// <summary>Colours interpolated along the stretched value of a single band; null or empty = grey.</summary>
    public IReadOnlyList<(byte R, byte G, byte B)>? Palette { get; init; }

    /// <summary>Gamma correction: the stretched value v in [0, 1] becomes v^(1/gamma).</summary>
    public double? Gamma { get; init; }

    /// <summary>Multiplies the mask (the alpha of PNG output), 0–1.</summary>
    public double? Opacity { get; init; }
}

/// <summary>Turns a window of any pixel type into Earth Engine's 8-bit visualization (1 grey or 3 RGB bands).</summary>
public static class PixelVisualizer
{
    /// <summary>The band names Earth Engine gives a visualized image.</summary>
    public static IReadOnlyList<string> BandNames(int bandCount) => bandCount == 1 ? ["vis-gray"] : ["vis-red", "vis-green", "vis-blue"];

    /// <summary>The Byte block: stretched, gamma-corrected, palette-coloured; masked pixels are 0 and keep mask 0.</summary>
    public static PixelBlock Visualize(PixelBlock block, Visualization visualization)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(visualization);
        var palette = visualization.Palette is { Count: > 0 } p ? p : null;
        if (block.BandCount is not (1 or 3) || (palette is not null && block.BandCount != 1))
        {
            throw new ArgumentException($"A visualization needs 1 or 3 bands (a palette exactly 1); the block has {block.BandCount}.", nameof(block));
        }

        var ranges = visualization.Ranges;
        if (ranges is not null && ranges.Count != 1 && ranges.Count != block.BandCount)
        {
            throw new ArgumentException($"{ranges.Count} ranges for {block.BandCount} bands: give one, or one per band.", nameof(visualization));
        }

        var outBands = palette is null ? block.BandCount : 3;
        var result = new PixelBlock(block.Width, block.Height, outBands, RasterDataType.Byte, palette is null ? block.MaskCount : 1);
        var inverseGamma = 1 / (visualization.Gamma ?? 1);
        for (var b = 0; b < block.BandCount; b++)
        {
            var (min, max) = ranges is null ? (0, 255) : ranges[ranges.Count == 1 ? 0 : b];
            if (!(max != min) || !double.IsFinite(min) || !double.IsFinite(max))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Band {b + 1}: the range [{min}, {max}] is empty."), nameof(visualization));
            }

            var mask = block.MaskBand(block.MaskCount == 1 ? 0 : b);
            for (var i = 0; i < block.PixelCount; i++)
            {
                if (mask[i] == 0)
                {
                    continue;
                }

                // NaN stretches to 0, like a value below the range.
                var v = Math.Clamp((RasterEncoder.ReadValue(block, b, i) - min) / (max - min), 0, 1);
                v = double.IsNaN(v) ? 0 : Math.Pow(v, inverseGamma);
                if (palette is null)
                {
                    result.BandBytes(b)[i] = ToByte(v * 255);
                }
                else
                {
                    var (r, g, bl) = Interpolate(palette, v);
                    (result.BandBytes(0)[i], result.BandBytes(1)[i], result.BandBytes(2)[i]) = (r, g, bl);
                }
            }
        }

        var opacity = Math.Clamp(visualization.Opacity ?? 1, 0, 1);
        var sourceMasks = palette is null ? block.MaskCount : 1;
        for (var m = 0; m < sourceMasks; m++)
        {
            var source = block.MaskBand(m);
            var target = result.MaskBand(m);
            for (var i = 0; i < source.Length; i++)
            {
                target[i] = ToByte(source[i] * opacity);
            }
        }

        return result;
    }

    /// <summary>Linear interpolation between the two palette colours around <paramref name="v"/> in [0, 1].</summary>
    private static (byte R, byte G, byte B) Interpolate(IReadOnlyList<(byte R, byte G, byte B)> palette, double v)
    {
        if (palette.Count == 1)
        {
            return palette[0];
        }

        var position = v * (palette.Count - 1);
        var low = Math.Min((int)Math.Floor(position), palette.Count - 2);
        var f = position - low;
        var (a, b) = (palette[low], palette[low + 1]);
        return (ToByte(a.R + ((b.R - a.R) * f)), ToByte(a.G + ((b.G - a.G) * f)), ToByte(a.B + ((b.B - a.B) * f)));
    }

    private static byte ToByte(double value) => (byte)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 0, 255);
}
