using EeFunctions.EarthEngine.Json;

namespace EeFunctions.EarthEngine.Models;

/// <summary>How lower pyramid levels are computed from higher ones.</summary>
public enum PyramidingPolicy
{
    [ProtoName("PYRAMIDING_POLICY_UNSPECIFIED")]
    Unspecified = 0,
    [ProtoName("MEAN")]
    Mean = 1,
    [ProtoName("SAMPLE")]
    Sample = 2,
    [ProtoName("MIN")]
    Min = 3,
    [ProtoName("MAX")]
    Max = 4,
    [ProtoName("MODE")]
    Mode = 5,
    [ProtoName("MEDIAN")]
    Median = 6,
}

// The members of DataType and Precision name pixel types: that is their meaning, not an accident.
#pragma warning disable CA1720

/// <summary>A tileset's pixel type (the manifest guide's FLOAT32/FLOAT64 spellings are accepted too).</summary>
public enum DataType
{
    [ProtoName("DATA_TYPE_UNSPECIFIED")]
    Unspecified = 0,
    [ProtoName("INT8")]
    Int8 = 1,
    [ProtoName("UINT8")]
    UInt8 = 2,
    [ProtoName("INT16")]
    Int16 = 3,
    [ProtoName("UINT16")]
    UInt16 = 4,
    [ProtoName("INT32")]
    Int32 = 5,
    [ProtoName("UINT32")]
    UInt32 = 6,
    [ProtoName("FLOAT", "FLOAT32")]
    Float = 7,
    [ProtoName("DOUBLE", "FLOAT64")]
    Double = 8,
}

/// <summary>The state of a long-running operation.</summary>
public enum OperationState
{
    [ProtoName("STATE_UNSPECIFIED")]
    Unspecified = 0,
    [ProtoName("PENDING")]
    Pending = 1,
    [ProtoName("RUNNING")]
    Running = 2,
    [ProtoName("CANCELLING")]
    Cancelling = 3,
    [ProtoName("SUCCEEDED")]
    Succeeded = 4,
    [ProtoName("CANCELLED")]
    Cancelled = 5,
    [ProtoName("FAILED")]
    Failed = 6,
}

/// <summary>The kind of an asset.</summary>
public enum AssetType
{
    [ProtoName("TYPE_UNSPECIFIED")]
    Unspecified = 0,
    [ProtoName("IMAGE")]
    Image = 1,
    [ProtoName("IMAGE_COLLECTION")]
    ImageCollection = 2,
    [ProtoName("TABLE")]
    Table = 3,
    [ProtoName("FOLDER")]
    Folder = 4,
    [ProtoName("CLASSIFIER")]
    Classifier = 5,
    [ProtoName("FEATURE_VIEW")]
    FeatureView = 6,
}

/// <summary>A band's numeric precision.</summary>
public enum Precision
{
    [ProtoName("PRECISION_UNSPECIFIED")]
    Unspecified = 0,
    [ProtoName("INT")]
    Int = 1,
    [ProtoName("FLOAT")]
    Float = 2,
    [ProtoName("DOUBLE")]
    Double = 3,
}

#pragma warning restore CA1720

/// <summary>Encodings for pixel downloads and exports.</summary>
public enum ImageFileFormat
{
    [ProtoName("IMAGE_FILE_FORMAT_UNSPECIFIED")]
    Unspecified = 0,
    [ProtoName("JPEG")]
    Jpeg = 1,
    [ProtoName("PNG")]
    Png = 2,
    [ProtoName("AUTO_JPEG_PNG")]
    AutoJpegPng = 3,
    [ProtoName("NPY")]
    Npy = 4,
    [ProtoName("GEO_TIFF")]
    GeoTiff = 5,
    [ProtoName("TF_RECORD_IMAGE")]
    TfRecordImage = 6,
    [ProtoName("MULTI_BAND_IMAGE_TILE")]
    MultiBandImageTile = 7,
    [ProtoName("ZIPPED_GEO_TIFF")]
    ZippedGeoTiff = 8,
    [ProtoName("ZIPPED_GEO_TIFF_PER_BAND")]
    ZippedGeoTiffPerBand = 9,
}

/// <summary>Ingest copies pixels; virtual registers them in place.</summary>
public enum ImportMode
{
    [ProtoName("IMPORT_MODE_UNSPECIFIED")]
    Unspecified = 0,
    [ProtoName("INGEST")]
    Ingest = 1,
    [ProtoName("VIRTUAL")]
    Virtual = 2,
}
