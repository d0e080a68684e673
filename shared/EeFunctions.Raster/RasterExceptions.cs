namespace EeFunctions.Raster;

/// <summary>An error GDAL reported, with its message, CPL error class and number.</summary>
public class GdalException : Exception
{
    public GdalException()
    {
    }

    public GdalException(string message)
        : base(message)
    {
    }

    public GdalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GdalException(string message, int errorClass, int errorNumber)
        : base(message)
    {
        ErrorClass = errorClass;
        ErrorNumber = errorNumber;
    }

    /// <summary>CPLErr: 3 = failure, 4 = fatal.</summary>
    public int ErrorClass { get; }

    /// <summary>CPLErrorNum: 1 app defined, 3 file I/O, 4 open failed, 5 illegal arg, 6 not supported, ...</summary>
    public int ErrorNumber { get; }
}

/// <summary>
/// The data is not a raster GDAL can read, or its pixels are corrupt or truncated. GDAL's message is the
/// exception's message after the operation that failed.
/// </summary>
public class RasterFormatException : GdalException
{
    public RasterFormatException()
    {
    }

    public RasterFormatException(string message)
        : base(message)
    {
    }

    public RasterFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RasterFormatException(string message, int errorClass, int errorNumber)
        : base(message, errorClass, errorNumber)
    {
    }
}

/// <summary>libgdal is not installed (or failed to load). The message names the install command.</summary>
public class GdalUnavailableException : InvalidOperationException
{
    public GdalUnavailableException()
    {
    }

    public GdalUnavailableException(string message)
        : base(message)
    {
    }

    public GdalUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A request or source exceeds the configured pixel or dimension limits; nothing was read.</summary>
public class RasterLimitExceededException : ArgumentException
{
    public RasterLimitExceededException()
    {
    }

    public RasterLimitExceededException(string message)
        : base(message)
    {
    }

    public RasterLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
