using System.Numerics;

namespace EeFunctions.Raster.Tiles;

/// <summary>
/// Makes a parent tile from its (up to) four children with Earth Engine's rules. Each parent pixel looks at its
/// 2×2 child pixels; a child pixel outside the image counts as masked (weight 0). Weights are the child masks
/// (0–255). Values come from valid children only: MEAN is the mask-weighted mean; MIN/MAX the extremes; MODE the
/// value with the largest total weight (ties: smallest value); MEDIAN the weighted median (the first value whose
/// cumulative weight reaches half the total; exactly half takes the mean of it and the next value, so an even
/// count of equal weights gives the mean of the two middle values); SAMPLE the upper-left child, with its mask.
/// The parent mask is the mean of the four child masks (SAMPLE: the upper-left child's). Integer types round
/// half away from zero. A parent pixel with no valid child is 0.
/// </summary>
public static class PyramidKernel
{
    /// <summary>
    /// Reduces children (index <c>dy * 2 + dx</c>, null where the tile does not exist) to a parent block of
    /// <paramref name="parentWidth"/> × <paramref name="parentHeight"/>.
    /// </summary>
    public static PixelBlock Reduce(IReadOnlyList<PixelBlock?> children, int parentWidth, int parentHeight, int tileSize, TilesetLayout layout) =>
        Reduce(children, parentWidth, parentHeight, tileSize, layout, pooled: false);

    internal static PixelBlock Reduce(IReadOnlyList<PixelBlock?> children, int parentWidth, int parentHeight, int tileSize, TilesetLayout layout, bool pooled)
    {
        ArgumentNullException.ThrowIfNull(children);
        ArgumentNullException.ThrowIfNull(layout);
        if (children.Count != 4 || children[0] is null)
        {
            throw new ArgumentException("A parent needs four child slots, and the upper-left child always exists.", nameof(children));
        }

        var parent = pooled
            ? PixelBlock.Rent(parentWidth, parentHeight, layout.BandCount, layout.DataType, layout.MaskBandCount)
            : new PixelBlock(parentWidth, parentHeight, layout.BandCount, layout.DataType, layout.MaskBandCount);
        for (var b = 0; b < layout.BandCount; b++)
        {
            var policy = layout.Bands[b].Policy;
            var mask = layout.MaskPerBand ? b : 0;
            switch (layout.DataType)
            {
                case RasterDataType.Byte: ReduceBand<byte>(children, parent, tileSize, b, mask, policy, true); break;
                case RasterDataType.UInt16: ReduceBand<ushort>(children, parent, tileSize, b, mask, policy, true); break;
                case RasterDataType.Int16: ReduceBand<short>(children, parent, tileSize, b, mask, policy, true); break;
                case RasterDataType.UInt32: ReduceBand<uint>(children, parent, tileSize, b, mask, policy, true); break;
                case RasterDataType.Int32: ReduceBand<int>(children, parent, tileSize, b, mask, policy, true); break;
                case RasterDataType.Float32: ReduceBand<float>(children, parent, tileSize, b, mask, policy, false); break;
                case RasterDataType.Float64: ReduceBand<double>(children, parent, tileSize, b, mask, policy, false); break;
                default: throw new NotSupportedException($"Pixel type {layout.DataType} cannot be pyramided.");
            }
        }

        for (var m = 0; m < layout.MaskBandCount; m++)
        {
            // A shared mask is SAMPLE-like only when every band is SAMPLE (layouts never mix them on one mask).
            var sample = layout.MaskPerBand ? layout.Bands[m].Policy == PyramidingPolicy.Sample : layout.Bands.All(x => x.Policy == PyramidingPolicy.Sample);
            ReduceMask(children, parent, tileSize, m, sample);
        }

        return parent;
    }

    private static void ReduceMask(IReadOnlyList<PixelBlock?> children, PixelBlock parent, int tileSize, int m, bool sample)
    {
        var half = tileSize / 2;
        var target = parent.MaskBand(m);
        for (var q = 0; q < 4; q++)
        {
            var child = children[q];
            if (child is null)
            {
                continue;
            }

            var (ox, oy) = (q % 2 * half, q / 2 * half);
            var (cw, ch) = (child.Width, child.Height);
            var qw = Math.Min((cw + 1) / 2, parent.Width - ox);
            var qh = Math.Min((ch + 1) / 2, parent.Height - oy);
            var source = child.MaskBand(m);
            for (var y = 0; y < qh; y++)
            {
                var r0 = 2 * y;
                var r1 = r0 + 1 < ch ? r0 + 1 : -1;
                var row = target.Slice((oy + y) * parent.Width + ox, qw);
                for (var x = 0; x < qw; x++)
                {
                    var c0 = 2 * x;
                    var c1 = c0 + 1 < cw ? c0 + 1 : -1;
                    int sum = source[r0 * cw + c0];
                    if (sample)
                    {
                        row[x] = (byte)sum;
                        continue;
                    }

                    if (c1 >= 0)
                    {
                        sum += source[r0 * cw + c1];
                    }

                    if (r1 >= 0)
                    {
                        sum += source[r1 * cw + c0];
                        if (c1 >= 0)
                        {
                            sum += source[r1 * cw + c1];
                        }
                    }

                    row[x] = (byte)((sum + 2) / 4);
                }
            }
        }
    }

    private static void ReduceBand<T>(IReadOnlyList<PixelBlock?> children, PixelBlock parent, int tileSize, int band, int mask, PyramidingPolicy policy, bool isInteger)
        where T : unmanaged, INumber<T>
    {
        var half = tileSize / 2;
        var target = parent.Band<T>(band);
        Span<double> values = stackalloc double[4];
        Span<int> weights = stackalloc int[4];
        for (var q = 0; q < 4; q++)
        {
            var child = children[q];
            if (child is null)
            {
                continue;
            }

            var (ox, oy) = (q % 2 * half, q / 2 * half);
            var (cw, ch) = (child.Width, child.Height);
            var qw = Math.Min((cw + 1) / 2, parent.Width - ox);
            var qh = Math.Min((ch + 1) / 2, parent.Height - oy);
            var source = child.Band<T>(band);
            var weight = child.MaskBand(mask);
            for (var y = 0; y < qh; y++)
            {
                var r0 = 2 * y;
                var hasR1 = r0 + 1 < ch;
                var row = target.Slice((oy + y) * parent.Width + ox, qw);
                if (policy == PyramidingPolicy.Sample)
                {
                    for (var x = 0; x < qw; x++)
                    {
                        row[x] = source[r0 * cw + 2 * x];
                    }

                    continue;
                }

                for (var x = 0; x < qw; x++)
                {
                    var c0 = 2 * x;
                    var hasC1 = c0 + 1 < cw;
                    var i00 = r0 * cw + c0;
                    var i10 = i00 + cw;
                    double v0 = double.CreateTruncating(source[i00]), v1 = 0, v2 = 0, v3 = 0;
                    int w0 = weight[i00], w1 = 0, w2 = 0, w3 = 0;
                    if (hasC1)
                    {
                        v1 = double.CreateTruncating(source[i00 + 1]);
                        w1 = weight[i00 + 1];
                    }

                    if (hasR1)
                    {
                        v2 = double.CreateTruncating(source[i10]);
                        w2 = weight[i10];
                        if (hasC1)
                        {
                            v3 = double.CreateTruncating(source[i10 + 1]);
                            w3 = weight[i10 + 1];
                        }
                    }

                    double value;
                    bool any;
                    if (policy == PyramidingPolicy.Mean)
                    {
                        // Masked samples carry weight 0 and drop out (tested, so a masked NaN cannot leak in).
                        var total = w0 + w1 + w2 + w3;
                        any = total > 0;
                        value = total == 1020
                            ? (v0 + v1 + v2 + v3) * 0.25
                            : any ? ((w0 > 0 ? v0 * w0 : 0) + (w1 > 0 ? v1 * w1 : 0) + (w2 > 0 ? v2 * w2 : 0) + (w3 > 0 ? v3 * w3 : 0)) / total : 0;
                    }
                    else
                    {
                        values[0] = v0;
                        values[1] = v1;
                        values[2] = v2;
                        values[3] = v3;
                        weights[0] = w0;
                        weights[1] = w1;
                        weights[2] = w2;
                        weights[3] = w3;
                        value = Combine(values, weights, policy, out any);
                    }

                    row[x] = !any ? T.Zero : isInteger ? T.CreateSaturating(Math.Round(value, MidpointRounding.AwayFromZero)) : T.CreateSaturating(value);
                }
            }
        }
    }

    /// <summary>Combines up to four weighted samples (weight 0 = masked) with a policy other than SAMPLE.</summary>
    internal static double Combine(Span<double> values, Span<int> weights, PyramidingPolicy policy, out bool any)
    {
        any = false;
        switch (policy)
        {
            case PyramidingPolicy.Mean:
            {
                double sum = 0;
                var total = 0;
                for (var i = 0; i < 4; i++)
                {
                    if (weights[i] > 0)
                    {
                        sum += values[i] * weights[i];
                        total += weights[i];
                    }
                }

                any = total > 0;
                return any ? sum / total : 0;
            }

            case PyramidingPolicy.Min:
            case PyramidingPolicy.Max:
            {
                var best = 0d;
                for (var i = 0; i < 4; i++)
                {
                    if (weights[i] > 0 && (!any || (policy == PyramidingPolicy.Min ? values[i] < best : values[i] > best)))
                    {
                        best = values[i];
                        any = true;
                    }
                }

                return best;
            }

            case PyramidingPolicy.Mode:
            {
                var best = 0d;
                var bestWeight = 0;
                for (var i = 0; i < 4; i++)
                {
                    if (weights[i] == 0)
                    {
                        continue;
                    }

                    var w = 0;
                    for (var j = 0; j < 4; j++)
                    {
                        if (weights[j] > 0 && values[j] == values[i])
                        {
                            w += weights[j];
                        }
                    }

                    if (w > bestWeight || (w == bestWeight && values[i] < best))
                    {
                        best = values[i];
                        bestWeight = w;
                    }
                }

                any = bestWeight > 0;
                return best;
            }

            case PyramidingPolicy.Median:
            {
                // Insertion sort of the valid samples by value (at most four).
                Span<double> v = stackalloc double[4];
                Span<int> w = stackalloc int[4];
                var n = 0;
                var total = 0;
                for (var i = 0; i < 4; i++)
                {
                    if (weights[i] == 0)
                    {
                        continue;
                    }

                    var j = n++;
                    for (; j > 0 && v[j - 1] > values[i]; j--)
                    {
                        v[j] = v[j - 1];
                        w[j] = w[j - 1];
                    }

                    v[j] = values[i];
                    w[j] = weights[i];
                    total += weights[i];
                }

                if (n == 0)
                {
                    return 0;
                }

                any = true;
                var cumulative = 0;
                for (var i = 0; i < n; i++)
                {
                    cumulative += w[i];
                    if (2 * cumulative >= total)
                    {
                        return 2 * cumulative == total && i + 1 < n ? (v[i] + v[i + 1]) / 2 : v[i];
                    }
                }

                return v[n - 1];
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(policy), policy, "SAMPLE is handled by the caller.");
        }
    }
}
