using System.Globalization;

namespace EeFunctions.Raster.Gdal;

/// <summary>
/// One open GDAL dataset, owned by a <see cref="DatasetHandle"/>. Not thread-safe: use one per thread, and never
/// across an await. Every call resets and checks the thread's CPL error state, so a GDAL failure becomes an
/// exception carrying GDAL's message. Writable datasets must be finished with <see cref="Close"/>, which
/// reports the flush errors GDAL 3.6 otherwise swallows.
/// </summary>
internal sealed unsafe class GdalDataset : IDisposable
{
    private readonly DatasetHandle _handle;

    private GdalDataset(DatasetHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    public string Path { get; }

    public IntPtr Raw => _handle.DangerousGetHandle();

    public int Width => GdalApi.GDALGetRasterXSize(Raw);

    public int Height => GdalApi.GDALGetRasterYSize(Raw);

    public int BandCount => GdalApi.GDALGetRasterCount(Raw);

    public static GdalDataset Open(string path, bool update = false, IEnumerable<string>? allowedDrivers = null)
    {
        GdalRuntime.EnsureAvailable();
        GdalErrors.Reset();
        using var drivers = new CslList(allowedDrivers ?? []);
        var flags = GdalApi.OfRaster | GdalApi.OfVerboseError | (update ? GdalApi.OfUpdate : GdalApi.OfReadOnly);
        var raw = GdalApi.GDALOpenEx(path, flags, drivers.Pointer, IntPtr.Zero, IntPtr.Zero);
        if (raw == IntPtr.Zero)
        {
            throw GdalErrors.Capture($"Opening '{DisplayPath(path)}' as a raster");
        }

        var dataset = new GdalDataset(new DatasetHandle(raw), path);
        if (GdalErrors.HasFailure())
        {
            var error = GdalErrors.Capture($"Opening '{DisplayPath(path)}' as a raster");
            dataset.Dispose();
            throw error;
        }

        return dataset;
    }

    public static GdalDataset Create(string driverName, string path, int width, int height, int bands, RasterDataType type, IEnumerable<string>? options = null)
    {
        GdalRuntime.EnsureAvailable();
        var driver = Driver(driverName);
        GdalErrors.Reset();
        using var list = new CslList(options ?? []);
        var raw = GdalApi.GDALCreate(driver, path, width, height, bands, (int)type, list.Pointer);
        if (raw == IntPtr.Zero)
        {
            throw GdalErrors.Capture($"Creating {driverName} '{DisplayPath(path)}'");
        }

        return new GdalDataset(new DatasetHandle(raw), path);
    }

    /// <summary>Copies this dataset into a new file with another driver (COG, PNG, JPEG, GTiff), closed and checked.</summary>
    public void CreateCopy(string driverName, string path, IEnumerable<string>? options = null)
    {
        var driver = Driver(driverName);
        GdalErrors.Reset();
        using var list = new CslList(options ?? []);
        var raw = GdalApi.GDALCreateCopy(driver, path, Raw, 0, list.Pointer, IntPtr.Zero, IntPtr.Zero);
        if (raw == IntPtr.Zero)
        {
            throw GdalErrors.Capture($"Writing {driverName}");
        }

        using var copy = new GdalDataset(new DatasetHandle(raw), path);
        copy.Close();
    }

    public static IntPtr Driver(string name)
    {
        var driver = GdalApi.GDALGetDriverByName(name);
        return driver != IntPtr.Zero ? driver : throw new GdalException($"GDAL driver {name} is not registered.");
    }

    public string? DriverName
    {
        get
        {
            var driver = GdalApi.GDALGetDatasetDriver(Raw);
            return driver == IntPtr.Zero ? null : GdalApi.ToStringOrNull(GdalApi.GDALGetDriverShortName(driver));
        }
    }

    public GeoTransform? GetGeoTransform()
    {
        var gt = stackalloc double[6];
        GdalErrors.Reset();
        var err = GdalApi.GDALGetGeoTransform(Raw, gt);
        GdalErrors.Reset();
        return err == GdalApi.CeNone ? new GeoTransform(gt[0], gt[1], gt[2], gt[3], gt[4], gt[5]) : null;
    }

    public void SetGeoTransform(GeoTransform transform)
    {
        var gt = stackalloc double[6] { transform.OriginX, transform.PixelWidth, transform.RowRotation, transform.OriginY, transform.ColumnRotation, transform.PixelHeight };
        GdalErrors.Reset();
        GdalErrors.Check(GdalApi.GDALSetGeoTransform(Raw, gt), "Setting the geotransform");
    }

    public string? ProjectionWkt
    {
        get
        {
            var wkt = GdalApi.ToStringOrNull(GdalApi.GDALGetProjectionRef(Raw));
            return string.IsNullOrEmpty(wkt) ? null : wkt;
        }
    }

    public void SetProjection(string? wkt)
    {
        if (string.IsNullOrEmpty(wkt))
        {
            return;
        }

        GdalErrors.Reset();
        GdalErrors.Check(GdalApi.GDALSetProjection(Raw, wkt), "Setting the CRS");
    }

    public string? GetMetadataItem(string name, string? domain) => GdalApi.ToStringOrNull(GdalApi.GDALGetMetadataItem(Raw, name, domain));

    public IntPtr Band(int oneBased)
    {
        var band = GdalApi.GDALGetRasterBand(Raw, oneBased);
        return band != IntPtr.Zero ? band : throw new GdalException($"Band {oneBased} does not exist in '{DisplayPath(Path)}'.");
    }

    public RasterDataType BandType(int oneBased) => (RasterDataType)GdalApi.GDALGetRasterDataType(Band(oneBased));

    public double? NoData(int oneBased)
    {
        var value = GdalApi.GDALGetRasterNoDataValue(Band(oneBased), out var has);
        return has != 0 ? value : null;
    }

    public void SetNoData(int oneBased, double value)
    {
        GdalErrors.Reset();
        GdalErrors.Check(GdalApi.GDALSetRasterNoDataValue(Band(oneBased), value), "Setting no-data");
    }

    public void SetBandDescription(int oneBased, string description) => GdalApi.GDALSetDescription(Band(oneBased), description);

    /// <summary>Reads or writes a window of the given bands, band-sequential, through <c>GDALDatasetRasterIO</c>.</summary>
    public void DatasetIO(bool write, int x, int y, int width, int height, Span<byte> buffer, RasterDataType bufferType, ReadOnlySpan<int> bands)
    {
        var size = bufferType.SizeInBytes();
        var needed = (long)width * height * size * bands.Length;
        if (buffer.Length < needed)
        {
            throw new ArgumentException($"Buffer of {buffer.Length} bytes is smaller than the {needed} the window needs.", nameof(buffer));
        }

        GdalErrors.Reset();
        fixed (byte* data = buffer)
        fixed (int* map = bands)
        {
            var err = GdalApi.GDALDatasetRasterIO(
                Raw, write ? GdalApi.GfWrite : GdalApi.GfRead, x, y, width, height, data, width, height, (int)bufferType,
                bands.Length, map, size, width * size, width * height * size);
            GdalErrors.Check(err, string.Create(CultureInfo.InvariantCulture, $"{(write ? "Writing" : "Reading")} pixels {width}x{height} at ({x},{y}) of '{DisplayPath(Path)}'"));
        }
    }

    /// <summary>Reads a window of the given bands pixel-interleaved (all bands of a pixel together).</summary>
    public void DatasetIOInterleaved(int x, int y, int width, int height, Span<byte> buffer, RasterDataType bufferType, ReadOnlySpan<int> bands)
    {
        var size = bufferType.SizeInBytes();
        if (buffer.Length < (long)width * height * size * bands.Length)
        {
            throw new ArgumentException("Buffer too small for the window.", nameof(buffer));
        }

        GdalErrors.Reset();
        fixed (byte* data = buffer)
        fixed (int* map = bands)
        {
            var err = GdalApi.GDALDatasetRasterIO(
                Raw, GdalApi.GfRead, x, y, width, height, data, width, height, (int)bufferType,
                bands.Length, map, size * bands.Length, width * size * bands.Length, size);
            GdalErrors.Check(err, string.Create(CultureInfo.InvariantCulture, $"Reading pixels {width}x{height} at ({x},{y}) of '{DisplayPath(Path)}'"));
        }
    }

    /// <summary>Reads or writes one band (or a mask band) window.</summary>
    public void BandIO(IntPtr band, bool write, int x, int y, int width, int height, Span<byte> buffer, RasterDataType bufferType)
    {
        var size = bufferType.SizeInBytes();
        if (buffer.Length < (long)width * height * size)
        {
            throw new ArgumentException("Buffer too small for the window.", nameof(buffer));
        }

        GdalErrors.Reset();
        fixed (byte* data = buffer)
        {
            var err = GdalApi.GDALRasterIO(band, write ? GdalApi.GfWrite : GdalApi.GfRead, x, y, width, height, data, width, height, (int)bufferType, size, width * size);
            GdalErrors.Check(err, string.Create(CultureInfo.InvariantCulture, $"{(write ? "Writing" : "Reading")} band pixels {width}x{height} at ({x},{y}) of '{DisplayPath(Path)}'"));
        }
    }

    /// <summary>Reads one band (or mask band) window into a buffer of another size: GDAL picks the overview that fits.</summary>
    public void BandRead(IntPtr band, int x, int y, int width, int height, Span<byte> buffer, int bufferWidth, int bufferHeight, RasterDataType bufferType)
    {
        var size = bufferType.SizeInBytes();
        if (buffer.Length < (long)bufferWidth * bufferHeight * size)
        {
            throw new ArgumentException("Buffer too small for the window.", nameof(buffer));
        }

        GdalErrors.Reset();
        fixed (byte* data = buffer)
        {
            var err = GdalApi.GDALRasterIO(band, GdalApi.GfRead, x, y, width, height, data, bufferWidth, bufferHeight, (int)bufferType, size, bufferWidth * size);
            GdalErrors.Check(err, string.Create(CultureInfo.InvariantCulture, $"Reading band pixels {width}x{height} at ({x},{y}) of '{DisplayPath(Path)}' as {bufferWidth}x{bufferHeight}"));
        }
    }

    /// <summary>Closes the dataset and throws if GDAL reported an error while flushing.</summary>
    public void Close()
    {
        if (_handle.IsClosed || _handle.IsInvalid)
        {
            return;
        }

        GdalErrors.Reset();
        _handle.Dispose();
        GdalErrors.ThrowIfFailed($"Closing '{DisplayPath(Path)}'");
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>A path as messages may show it: in-memory files unnamed, and URLs without their query (it holds a SAS).</summary>
    internal static string DisplayPath(string path) => path.StartsWith("/vsimem/", StringComparison.Ordinal) ? "in-memory raster" : GdalErrors.WithoutQueries(path);
}
