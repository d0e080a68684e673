namespace EeFunctions.Raster;

/// <summary>Pixel types the raster core handles; values are GDAL's <c>GDALDataType</c> codes.</summary>
#pragma warning disable CA1720 // The names are GDAL's and Earth Engine's type names on purpose.
public enum RasterDataType
{
    /// <summary>Not a supported type.</summary>
    Unknown = 0,

    /// <summary>Unsigned 8-bit.</summary>
    Byte = 1,

    /// <summary>Unsigned 16-bit.</summary>
    UInt16 = 2,

    /// <summary>Signed 16-bit.</summary>
    Int16 = 3,

    /// <summary>Unsigned 32-bit.</summary>
    UInt32 = 4,

    /// <summary>Signed 32-bit.</summary>
    Int32 = 5,

    /// <summary>32-bit float.</summary>
    Float32 = 6,

    /// <summary>64-bit float.</summary>
    Float64 = 7,
}
#pragma warning restore CA1720

/// <summary>Sizes and traits of <see cref="RasterDataType"/>.</summary>
public static class RasterDataTypeExtensions
{
    /// <summary>Bytes per sample.</summary>
    public static int SizeInBytes(this RasterDataType type) => type switch
    {
        RasterDataType.Byte => 1,
        RasterDataType.UInt16 or RasterDataType.Int16 => 2,
        RasterDataType.UInt32 or RasterDataType.Int32 or RasterDataType.Float32 => 4,
        RasterDataType.Float64 => 8,
        _ => throw new NotSupportedException($"Pixel type {type} is not supported."),
    };

    /// <summary>Whether values are integers (pyramid means and medians round half away from zero).</summary>
    public static bool IsInteger(this RasterDataType type) => type is not (RasterDataType.Float32 or RasterDataType.Float64);

    /// <summary>Whether the type is one the raster core handles.</summary>
    public static bool IsSupported(this RasterDataType type) => type is >= RasterDataType.Byte and <= RasterDataType.Float64;

    /// <summary>GDAL's name for a GDALDataType code (also for unsupported codes such as complex types).</summary>
    public static string GdalName(int code) => code switch
    {
        1 => "Byte",
        2 => "UInt16",
        3 => "Int16",
        4 => "UInt32",
        5 => "Int32",
        6 => "Float32",
        7 => "Float64",
        8 => "CInt16",
        9 => "CInt32",
        10 => "CFloat32",
        11 => "CFloat64",
        12 => "UInt64",
        13 => "Int64",
        14 => "Int8",
        _ => "Unknown",
    };
}
