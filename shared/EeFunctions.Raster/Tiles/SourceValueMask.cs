using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster.Tiles;

/// <summary>
/// Masks pixels by their source value where GDAL's own mask cannot: the values of
/// <see cref="TilesetBand.MaskedValues"/> (GDAL keeps one no-data value a band), and NaN in a float source stored
/// as integers (the conversion turns NaN into a number, so the stored pixel no longer shows it).
/// </summary>
internal static class SourceValueMask
{
    public static void Apply(GdalDataset dataset, TilesetLayout layout, int x, int y, PixelBlock strip)
    {
        double[]? values = null;
        try
        {
            for (var b = 0; b < layout.BandCount; b++)
            {
                var sourceType = dataset.BandType(b + 1);
                var nanHidden = !sourceType.IsInteger() && layout.DataType.IsInteger();
                var masked = layout.Bands[b].MaskedValues;
                if (!nanHidden && masked is not { Count: > 0 })
                {
                    continue;
                }

                // Compared with the source's values, as GDAL compares its no-data: a Float32 source sees the value
                // rounded to float, and a converted pixel (clamped or rounded) cannot match a value it never had.
                var targets = (masked ?? []).Select(v => sourceType == RasterDataType.Float32 ? (float)v : v).ToHashSet();
                var maskNaN = nanHidden || targets.Any(double.IsNaN);
                values ??= System.Buffers.ArrayPool<double>.Shared.Rent(strip.PixelCount);
                var span = values.AsSpan(0, strip.PixelCount);
                dataset.BandIO(dataset.Band(b + 1), false, x, y, strip.Width, strip.Height, System.Runtime.InteropServices.MemoryMarshal.AsBytes(span), RasterDataType.Float64);
                var mask = strip.MaskBand(layout.MaskPerBand ? b : 0);
                for (var i = 0; i < span.Length; i++)
                {
                    var v = span[i];
                    if (double.IsNaN(v) ? maskNaN : targets.Contains(v))
                    {
                        mask[i] = 0;
                    }
                }
            }
        }
        finally
        {
            if (values is not null)
            {
                System.Buffers.ArrayPool<double>.Shared.Return(values);
            }
        }
    }
}
