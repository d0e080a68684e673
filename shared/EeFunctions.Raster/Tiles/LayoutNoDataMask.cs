using System.Numerics;
using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster.Tiles;

/// <summary>
/// Masks pixels equal to a band's <see cref="TilesetBand.NoData"/> when it is not the file's own no-data (a layout given
/// another value): GDAL knows only the file's value. The file's own value is left to GDAL's mask, so GDAL's precedence
/// (an internal mask or alpha over no-data) still holds for layouts made by <see cref="RasterTiler.CreateLayout"/>.
/// With one shared mask, a band's match masks the pixel for every band.
/// </summary>
internal static class LayoutNoDataMask
{
    public static void Apply(GdalDataset dataset, TilesetLayout layout, PixelBlock strip)
    {
        for (var b = 0; b < layout.BandCount; b++)
        {
            // NaN is already masked in float tilesets and no integer holds it.
            if (layout.Bands[b].NoData is not { } noData || double.IsNaN(noData) || noData.Equals(dataset.NoData(b + 1)))
            {
                continue;
            }

            var mask = strip.MaskBand(layout.MaskPerBand ? b : 0);
            switch (layout.DataType)
            {
                case RasterDataType.Byte: MaskEqual(strip.Band<byte>(b), mask, noData); break;
                case RasterDataType.UInt16: MaskEqual(strip.Band<ushort>(b), mask, noData); break;
                case RasterDataType.Int16: MaskEqual(strip.Band<short>(b), mask, noData); break;
                case RasterDataType.UInt32: MaskEqual(strip.Band<uint>(b), mask, noData); break;
                case RasterDataType.Int32: MaskEqual(strip.Band<int>(b), mask, noData); break;
                case RasterDataType.Float32: MaskEqual(strip.Band<float>(b), mask, noData); break;
                default: MaskEqual(strip.Band<double>(b), mask, noData); break;
            }
        }
    }

    private static void MaskEqual<T>(ReadOnlySpan<T> values, Span<byte> mask, double noData)
        where T : unmanaged, INumberBase<T>
    {
        // Compared in the tileset's type, as GDAL compares its no-data in the band's: a Float32 tileset sees the value
        // rounded to float; an integer type that cannot hold the value exactly (a fraction, out of range) has no match.
        var target = T.CreateSaturating(noData);
        var floating = typeof(T) == typeof(float) || typeof(T) == typeof(double);
        if (!floating && double.CreateSaturating(target) != noData)
        {
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] == target)
            {
                mask[i] = 0;
            }
        }
    }
}
