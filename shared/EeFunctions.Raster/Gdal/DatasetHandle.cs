using Microsoft.Win32.SafeHandles;

namespace EeFunctions.Raster.Gdal;

/// <summary>Owns a <c>GDALDatasetH</c>; closing it releases the dataset even when an exception unwinds the caller.</summary>
internal sealed class DatasetHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DatasetHandle()
        : base(ownsHandle: true)
    {
    }

    internal DatasetHandle(IntPtr handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        GdalApi.GDALClose(handle);
        return true;
    }
}
