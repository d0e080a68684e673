using System.Globalization;
using EeFunctions.Raster;

namespace EeFunctions.App.EarthEngine.Compute;

// The members name pixel types: that is their meaning (as in Earth Engine's PixelType).
#pragma warning disable CA1720

/// <summary>Earth Engine's pixel precisions.</summary>
public enum Precision
{
    Int,
    Float,
    Double,
}

/// <summary>
/// A band's pixel type as Earth Engine tracks it: a precision and, for integers, the range of values the band can
/// hold. Integer arithmetic widens the range (uint8 + uint8 is [0, 510]); a band is stored in the smallest type
/// holding its range.
/// </summary>
public sealed record PixelType(Precision Precision, double Min, double Max)
{
    public static PixelType Float { get; } = new(Precision.Float, double.NegativeInfinity, double.PositiveInfinity);

    public static PixelType Double { get; } = new(Precision.Double, double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>0 or 1: comparisons and logic.</summary>
    public static PixelType Boolean { get; } = Int(0, 1);

    public static PixelType Int(double min, double max) => new(Precision.Int, Math.Min(min, max), Math.Max(min, max));

    public bool IsInteger => Precision == Precision.Int;

    /// <summary>The type of a stored band.</summary>
    public static PixelType Of(RasterDataType type) => type switch
    {
        RasterDataType.Byte => Int(byte.MinValue, byte.MaxValue),
        RasterDataType.UInt16 => Int(ushort.MinValue, ushort.MaxValue),
        RasterDataType.Int16 => Int(short.MinValue, short.MaxValue),
        RasterDataType.UInt32 => Int(uint.MinValue, uint.MaxValue),
        RasterDataType.Int32 => Int(int.MinValue, int.MaxValue),
        RasterDataType.Float32 => Float,
        RasterDataType.Float64 => Double,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>A type named the way <c>Image.cast</c> and the <c>to*</c> casts name it.</summary>
    public static PixelType? Named(string name) => name.ToUpperInvariant() switch
    {
        "FLOAT" => Float,
        "DOUBLE" => Double,
        "INT8" => Int(sbyte.MinValue, sbyte.MaxValue),
        "UINT8" or "BYTE" => Int(byte.MinValue, byte.MaxValue),
        "INT16" or "SHORT" => Int(short.MinValue, short.MaxValue),
        "UINT16" => Int(ushort.MinValue, ushort.MaxValue),
        "INT32" or "INT" => Int(int.MinValue, int.MaxValue),
        "UINT32" => Int(uint.MinValue, uint.MaxValue),
        "INT64" or "LONG" => Int(long.MinValue, long.MaxValue),
        _ => null,
    };

    /// <summary>
    /// The stored type: the smallest integer type holding the range, unsigned when it has no negative values (Int8 is
    /// stored as Int16: GeoTIFF through GDAL 3.6 has no signed byte; ranges beyond 32 bits as Float64), Float32 or Float64.
    /// </summary>
    public RasterDataType Storage => Precision switch
    {
        Precision.Float => RasterDataType.Float32,
        Precision.Double => RasterDataType.Float64,
        _ when Min >= byte.MinValue && Max <= byte.MaxValue => RasterDataType.Byte,
        _ when Min >= ushort.MinValue && Max <= ushort.MaxValue => RasterDataType.UInt16,
        _ when Min >= short.MinValue && Max <= short.MaxValue => RasterDataType.Int16,
        _ when Min >= uint.MinValue && Max <= uint.MaxValue => RasterDataType.UInt32,
        _ when Min >= int.MinValue && Max <= int.MaxValue => RasterDataType.Int32,
        _ => RasterDataType.Float64,
    };

    /// <summary>The floating precision two operands compute in (Float64 if either is double).</summary>
    public static PixelType FloatOf(PixelType a, PixelType b) =>
        a.Precision == Precision.Double || b.Precision == Precision.Double ? Double : Float;

    /// <summary>A type holding both: the union range for integers, else the wider float.</summary>
    public static PixelType Union(PixelType a, PixelType b) =>
        a.IsInteger && b.IsInteger ? Int(Math.Min(a.Min, b.Min), Math.Max(a.Max, b.Max)) : FloatOf(a, b);

    /// <summary>The result of integer arithmetic whose range is <paramref name="min"/>..<paramref name="max"/>, else float.</summary>
    public static PixelType Arithmetic(PixelType a, PixelType b, double min, double max) =>
        a.IsInteger && b.IsInteger && double.IsFinite(min) && double.IsFinite(max) ? Int(min, max) : FloatOf(a, b);

    /// <summary>A single-precision float unless the input is double.</summary>
    public PixelType ToFloating() => Precision == Precision.Double ? Double : Float;

    /// <summary>Earth Engine's way of printing a type in messages.</summary>
    public override string ToString() => Precision switch
    {
        Precision.Float => "Float<-Infinity, Infinity>",
        Precision.Double => "Double<-Infinity, Infinity>",
        _ => string.Create(CultureInfo.InvariantCulture, $"Integer<{Min}, {Max}>"),
    };
}
#pragma warning restore CA1720
