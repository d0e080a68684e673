namespace EeFunctions.Raster.Gdal;

/// <summary>GDAL's in-memory file system (<c>/vsimem/</c>): unique names, byte[] in and out.</summary>
internal static unsafe class VsiMem
{
    public static string NewPath(string extension) => $"/vsimem/eef/{Guid.NewGuid():N}{extension}";

    /// <summary>Copies a stream into a new in-memory file; returns its path. Delete it with <see cref="Delete"/>.</summary>
    public static string WriteStream(Stream source, string extension = ".bin")
    {
        GdalRuntime.EnsureAvailable();
        var path = NewPath(extension);
        GdalErrors.Reset();
        var file = GdalApi.VSIFOpenL(path, "wb");
        if (file == IntPtr.Zero)
        {
            throw GdalErrors.Capture("Creating an in-memory file");
        }

        try
        {
            var buffer = new byte[1 << 20];
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                fixed (byte* p = buffer)
                {
                    if (GdalApi.VSIFWriteL(p, 1, (nuint)read, file) != (nuint)read)
                    {
                        throw new IOException("Writing to an in-memory file failed.");
                    }
                }
            }
        }
        catch
        {
            _ = GdalApi.VSIFCloseL(file);
            _ = GdalApi.VSIUnlink(path);
            throw;
        }

        _ = GdalApi.VSIFCloseL(file);
        return path;
    }

    /// <summary>Copies bytes into a new in-memory file; returns its path.</summary>
    public static string WriteBytes(ReadOnlySpan<byte> bytes, string extension = ".bin")
    {
        GdalRuntime.EnsureAvailable();
        var path = NewPath(extension);
        GdalErrors.Reset();
        var file = GdalApi.VSIFOpenL(path, "wb");
        if (file == IntPtr.Zero)
        {
            throw GdalErrors.Capture("Creating an in-memory file");
        }

        fixed (byte* p = bytes)
        {
            var written = GdalApi.VSIFWriteL(p, 1, (nuint)bytes.Length, file);
            _ = GdalApi.VSIFCloseL(file);
            if (written != (nuint)bytes.Length)
            {
                _ = GdalApi.VSIUnlink(path);
                throw new IOException("Writing to an in-memory file failed.");
            }
        }

        return path;
    }

    /// <summary>Takes an in-memory file's bytes and deletes it.</summary>
    public static byte[] TakeBytes(string path)
    {
        var data = GdalApi.VSIGetMemFileBuffer(path, out var length, 1);
        if (data == null)
        {
            throw new GdalException($"In-memory file '{path}' does not exist.");
        }

        try
        {
            return new ReadOnlySpan<byte>(data, checked((int)length)).ToArray();
        }
        finally
        {
            GdalApi.VSIFree(data);
        }
    }

    public static void Delete(string path) => _ = GdalApi.VSIUnlink(path);

    /// <summary>The size of any GDAL-readable file (local or virtual), or null if it cannot be opened.</summary>
    public static long? FileSize(string path)
    {
        var file = GdalApi.VSIFOpenL(path, "rb");
        if (file == IntPtr.Zero)
        {
            GdalErrors.Reset();
            return null;
        }

        try
        {
            _ = GdalApi.VSIFSeekL(file, 0, 2);
            return (long)GdalApi.VSIFTellL(file);
        }
        finally
        {
            _ = GdalApi.VSIFCloseL(file);
        }
    }
}
