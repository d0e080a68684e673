using System.Numerics.Tensors;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>
/// Band-wise pixel operations: unary and binary maps over whole planes of values (SIMD where TensorPrimitives has
/// the kernel) with Earth Engine's masking (a binary result is masked where either input is: the minimum of the masks) and band pairing (equal band counts pair by index; a
/// one-band image pairs with every band of the other).
/// </summary>
public static class BandMath
{
    /// <summary>A pixel function that may mask its result (returns false to mask: division by zero, negative NDVI inputs).</summary>
    public delegate bool MaskedBinary(double a, double b, out double result);

    /// <summary>A whole-plane binary operation (TensorPrimitives' SIMD kernels, or <see cref="Scalar(Func{double, double, double})"/>).</summary>
    public delegate void PlaneBinary(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> destination);

    /// <summary>A whole-plane unary operation.</summary>
    public delegate void PlaneUnary(ReadOnlySpan<double> x, Span<double> destination);

    /// <summary>A per-pixel function as a plane operation, for what has no SIMD kernel (comparisons, logic).</summary>
    public static PlaneBinary Scalar(Func<double, double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return (x, y, destination) =>
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = f(x[i], y[i]);
            }
        };
    }

    /// <summary>A per-pixel function as a plane operation.</summary>
    public static PlaneUnary Scalar(Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return (x, destination) =>
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = f(x[i]);
            }
        };
    }

    /// <summary>Applies <paramref name="op"/> to the bands of two images paired Earth Engine's way.</summary>
    public static EeImage Pair(AlgorithmCall call, EeImage a, EeImage b, Func<ImageBand, ImageBand, ImageBand> op)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(op);
        var (na, nb) = (a.Bands.Count, b.Bands.Count);
        if (na == nb)
        {
            return a with { Bands = [.. a.Bands.Zip(b.Bands, op)] };
        }

        if (nb == 1)
        {
            return a with { Bands = [.. a.Bands.Select(x => op(x, b.Bands[0]))] };
        }

        if (na == 1)
        {
            return a with { Bands = [.. b.Bands.Select(y => op(a.Bands[0], y) with { Name = y.Name })] };
        }

        throw call.Error($"Images must contain the same number of bands or only 1 band. Got {na} and {nb}.");
    }

    /// <summary>A band computed from one band, pixel by pixel; masked pixels keep their mask.</summary>
    public static ImageBand Unary(ImageBand band, PixelType type, PlaneUnary f)
    {
        ArgumentNullException.ThrowIfNull(band);
        ArgumentNullException.ThrowIfNull(f);
        return band with
        {
            Type = type,
            Compute = async s =>
            {
                var p = await s.PixelsAsync(band);
                var values = GC.AllocateUninitializedArray<double>(p.Length);
                f(p.Values, values);
                return new BandPixels(values, p.Mask);
            },
        };
    }

    /// <summary>A band computed from two, pixel by pixel; named, projected and bounded as the first.</summary>
    public static ImageBand Binary(ImageBand a, ImageBand b, PixelType type, PlaneBinary f)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(f);
        return a with
        {
            Type = type,
            Footprint = [.. a.Footprint, .. b.Footprint],
            Compute = async s =>
            {
                var (pa, pb) = (await s.PixelsAsync(a), await s.PixelsAsync(b));
                var values = GC.AllocateUninitializedArray<double>(pa.Length);
                f(pa.Values, pb.Values, values);
                return new BandPixels(values, MinMask(pa.Mask, pb.Mask));
            },
        };
    }

    /// <summary>As <see cref="Binary"/>, where the function may also mask a pixel.</summary>
    public static ImageBand BinaryMasked(ImageBand a, ImageBand b, PixelType type, MaskedBinary f)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(f);
        return a with
        {
            Type = type,
            Footprint = [.. a.Footprint, .. b.Footprint],
            Compute = async s =>
            {
                var (pa, pb) = (await s.PixelsAsync(a), await s.PixelsAsync(b));
                var values = GC.AllocateUninitializedArray<double>(pa.Length);
                var mask = MinMask(pa.Mask, pb.Mask);
                var (va, vb) = (pa.Values, pb.Values);
                for (var i = 0; i < values.Length; i++)
                {
                    if (mask[i] == 0)
                    {
                        values[i] = 0;
                        continue;
                    }

                    if (!f(va[i], vb[i], out values[i]))
                    {
                        values[i] = 0;
                        mask[i] = 0;
                    }
                }

                return new BandPixels(values, mask);
            },
        };
    }

    /// <summary>a / b in SIMD, a float band; division by zero masks the pixel (and leaves 0 there).</summary>
    public static ImageBand Divide(ImageBand a, ImageBand b, PixelType type)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a with
        {
            Type = type,
            Footprint = [.. a.Footprint, .. b.Footprint],
            Compute = async s =>
            {
                var (pa, pb) = (await s.PixelsAsync(a), await s.PixelsAsync(b));
                var values = GC.AllocateUninitializedArray<double>(pa.Length);
                TensorPrimitives.Divide(pa.Values, pb.Values, values);
                var mask = MinMask(pa.Mask, pb.Mask);
                var divisors = pb.Values.AsSpan();
                for (var i = divisors.IndexOf(0d); i >= 0 && i < divisors.Length; i++)
                {
                    if (divisors[i] == 0)
                    {
                        values[i] = 0;
                        mask[i] = 0;
                    }
                }

                return new BandPixels(values, mask);
            },
        };
    }

    /// <summary>The element-wise minimum of two masks (a new array).</summary>
    public static byte[] MinMask(byte[] a, byte[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var mask = GC.AllocateUninitializedArray<byte>(a.Length);
        TensorPrimitives.Min<byte>(a, b, mask);
        return mask;
    }

    /// <summary>The value cast to a type: integers truncate toward zero and saturate at the type's range (NaN is 0).</summary>
    public static double Cast(double value, PixelType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Precision switch
        {
            Precision.Float => (float)value,
            Precision.Double => value,
            _ when double.IsNaN(value) => 0,
            _ => Math.Clamp(Math.Truncate(value), type.Min, type.Max),
        };
    }

    /// <summary>The integer range of a product of two ranges.</summary>
    public static (double Min, double Max) ProductRange(PixelType a, PixelType b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        double[] corners = [a.Min * b.Min, a.Min * b.Max, a.Max * b.Min, a.Max * b.Max];
        return (corners.Min(), corners.Max());
    }
}
