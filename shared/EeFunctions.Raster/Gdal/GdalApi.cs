using System.Runtime.InteropServices;

namespace EeFunctions.Raster.Gdal;

/// <summary>
/// The subset of GDAL's stable C API we call. Every <c>const char*</c> return is an <see cref="IntPtr"/> read with
/// <see cref="Marshal.PtrToStringUTF8(IntPtr)"/> and never freed (a <c>string</c> return would free GDAL's buffer).
/// String lists (<c>char**</c>) are built by <see cref="CslList"/>, because generated marshalling does not
/// NULL-terminate them. The logical library name is mapped to a real soname by <see cref="GdalLibrary"/>.
/// </summary>
internal static unsafe partial class GdalApi
{
    internal const string Library = "gdal";

    internal const int CeNone = 0;
    internal const int CeWarning = 2;
    internal const int CeFailure = 3;
    internal const int CeFatal = 4;

    internal const uint OfReadOnly = 0x00;
    internal const uint OfUpdate = 0x01;
    internal const uint OfRaster = 0x02;
    internal const uint OfVerboseError = 0x40;

    internal const int GfRead = 0;
    internal const int GfWrite = 1;

    internal const int GmfAllValid = 0x01;
    internal const int GmfPerDataset = 0x02;
    internal const int GmfAlpha = 0x04;
    internal const int GmfNoData = 0x08;

    // --- library and drivers ---
    [LibraryImport(Library)]
    internal static partial void GDALAllRegister();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALVersionInfo(string request);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALGetDriverByName(string name);

    [LibraryImport(Library)]
    internal static partial IntPtr GDALGetDatasetDriver(IntPtr dataset);

    [LibraryImport(Library)]
    internal static partial IntPtr GDALGetDriverShortName(IntPtr driver);

    [LibraryImport(Library)]
    internal static partial void GDALSetCacheMax64(long bytes);

    [LibraryImport(Library)]
    internal static partial long GDALGetCacheMax64();

    [LibraryImport(Library)]
    internal static partial int GDALGetDataTypeSizeBytes(int dataType);

    [LibraryImport(Library)]
    internal static partial int GDALDataTypeUnion(int first, int second);

    // --- datasets ---
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALOpenEx(string path, uint flags, IntPtr allowedDrivers, IntPtr openOptions, IntPtr siblingFiles);

    [LibraryImport(Library)]
    internal static partial void GDALClose(IntPtr dataset);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALCreate(IntPtr driver, string path, int width, int height, int bands, int dataType, IntPtr options);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALCreateCopy(IntPtr driver, string path, IntPtr source, int strict, IntPtr options, IntPtr progress, IntPtr progressArg);

    [LibraryImport(Library)]
    internal static partial int GDALAddBand(IntPtr dataset, int dataType, IntPtr options);

    [LibraryImport(Library)]
    internal static partial int GDALGetRasterXSize(IntPtr dataset);

    [LibraryImport(Library)]
    internal static partial int GDALGetRasterYSize(IntPtr dataset);

    [LibraryImport(Library)]
    internal static partial int GDALGetRasterCount(IntPtr dataset);

    [LibraryImport(Library)]
    internal static partial int GDALGetGeoTransform(IntPtr dataset, double* transform);

    [LibraryImport(Library)]
    internal static partial int GDALSetGeoTransform(IntPtr dataset, double* transform);

    [LibraryImport(Library)]
    internal static partial IntPtr GDALGetProjectionRef(IntPtr dataset);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GDALSetProjection(IntPtr dataset, string wkt);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALGetMetadataItem(IntPtr majorObject, string name, string? domain);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void GDALSetDescription(IntPtr majorObject, string description);

    [LibraryImport(Library)]
    internal static partial int GDALDatasetRasterIO(
        IntPtr dataset, int rwFlag, int x, int y, int width, int height, void* buffer, int bufferWidth, int bufferHeight,
        int bufferType, int bandCount, int* bandMap, int pixelSpace, int lineSpace, int bandSpace);

    // --- bands ---
    [LibraryImport(Library)]
    internal static partial IntPtr GDALGetRasterBand(IntPtr dataset, int band);

    [LibraryImport(Library)]
    internal static partial int GDALGetRasterDataType(IntPtr band);

    [LibraryImport(Library)]
    internal static partial void GDALGetBlockSize(IntPtr band, out int width, out int height);

    [LibraryImport(Library)]
    internal static partial int GDALGetOverviewCount(IntPtr band);

    [LibraryImport(Library)]
    internal static partial double GDALGetRasterNoDataValue(IntPtr band, out int hasNoData);

    [LibraryImport(Library)]
    internal static partial int GDALSetRasterNoDataValue(IntPtr band, double value);

    [LibraryImport(Library)]
    internal static partial IntPtr GDALGetOverview(IntPtr band, int index);

    [LibraryImport(Library)]
    internal static partial int GDALGetRasterBandXSize(IntPtr band);

    [LibraryImport(Library)]
    internal static partial int GDALGetRasterBandYSize(IntPtr band);

    [LibraryImport(Library)]
    internal static partial IntPtr GDALGetMaskBand(IntPtr band);

    [LibraryImport(Library)]
    internal static partial int GDALGetMaskFlags(IntPtr band);

    [LibraryImport(Library)]
    internal static partial int GDALSetRasterColorInterpretation(IntPtr band, int colorInterpretation);

    [LibraryImport(Library)]
    internal static partial int GDALRasterIO(
        IntPtr band, int rwFlag, int x, int y, int width, int height, void* buffer, int bufferWidth, int bufferHeight,
        int bufferType, int pixelSpace, int lineSpace);

    // --- utilities ---
    [LibraryImport(Library)]
    internal static partial IntPtr GDALWarpAppOptionsNew(IntPtr argv, IntPtr binaryOptions);

    [LibraryImport(Library)]
    internal static partial void GDALWarpAppOptionsFree(IntPtr options);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALWarp(string? destinationPath, IntPtr destinationDataset, int sourceCount, IntPtr* sources, IntPtr options, out int usageError);

    // --- errors and configuration ---
    [LibraryImport(Library)]
    internal static partial void CPLErrorReset();

    [LibraryImport(Library)]
    internal static partial IntPtr CPLGetLastErrorMsg();

    [LibraryImport(Library)]
    internal static partial int CPLGetLastErrorType();

    [LibraryImport(Library)]
    internal static partial int CPLGetLastErrorNo();

    [LibraryImport(Library)]
    internal static partial IntPtr CPLSetErrorHandler(IntPtr handler);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void CPLSetConfigOption(string key, string? value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr CPLGetConfigOption(string key, string? defaultValue);

    // --- virtual files ---
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr VSIFOpenL(string path, string access);

    [LibraryImport(Library)]
    internal static partial int VSIFCloseL(IntPtr file);

    [LibraryImport(Library)]
    internal static partial nuint VSIFWriteL(void* buffer, nuint size, nuint count, IntPtr file);

    [LibraryImport(Library)]
    internal static partial int VSIFSeekL(IntPtr file, ulong offset, int whence);

    [LibraryImport(Library)]
    internal static partial ulong VSIFTellL(IntPtr file);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int VSIUnlink(string path);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr VSIFileFromMemBuffer(string path, byte* buffer, ulong length, int takeOwnership);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial byte* VSIGetMemFileBuffer(string path, out ulong length, int unlinkAndSeize);

    [LibraryImport(Library)]
    internal static partial void VSIFree(void* pointer);

    // --- spatial references ---
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OSRNewSpatialReference(string? wkt);

    [LibraryImport(Library)]
    internal static partial void OSRDestroySpatialReference(IntPtr srs);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OSRSetFromUserInput(IntPtr srs, string definition);

    [LibraryImport(Library)]
    internal static partial int OSRExportToWkt(IntPtr srs, out IntPtr wkt);

    [LibraryImport(Library)]
    internal static partial int OSRAutoIdentifyEPSG(IntPtr srs);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OSRGetAuthorityName(IntPtr srs, string? targetKey);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OSRGetAuthorityCode(IntPtr srs, string? targetKey);

    [LibraryImport(Library)]
    internal static partial int OSRIsSame(IntPtr first, IntPtr second);

    [LibraryImport(Library)]
    internal static partial int OSRIsGeographic(IntPtr srs);

    [LibraryImport(Library)]
    internal static partial void OSRSetAxisMappingStrategy(IntPtr srs, int strategy);

    [LibraryImport(Library)]
    internal static partial IntPtr OCTNewCoordinateTransformation(IntPtr source, IntPtr target);

    [LibraryImport(Library)]
    internal static partial void OCTDestroyCoordinateTransformation(IntPtr transformation);

    [LibraryImport(Library)]
    internal static partial int OCTTransform(IntPtr transformation, int count, double* x, double* y, double* z);

    internal static string? ToStringOrNull(IntPtr utf8) => utf8 == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(utf8);
}
