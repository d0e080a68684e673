using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EeFunctions.Raster.Gdal;

/// <summary>
/// Captures CPL errors per thread. GDAL's error state is thread-local, so every call site resets before the call
/// and checks synchronously after it (never across an await). The process-wide handler installed at start keeps
/// the first failure message of the current thread (often more telling than the last) and stops GDAL from
/// printing to stderr; it never throws.
/// </summary>
internal static unsafe partial class GdalErrors
{
    private const int CpleAppDefined = 1;
    private const int CpleFileIO = 3;
    private const int CpleOpenFailed = 4;
    private const int CpleNotSupported = 6;
    private const int CpleUserInterrupt = 9;

    [ThreadStatic]
    private static string? t_firstMessage;

    [ThreadStatic]
    private static int t_firstNumber;

    internal static IntPtr HandlerPointer => (IntPtr)(delegate* unmanaged[Cdecl]<int, int, byte*, void>)&Handler;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Handler(int errorClass, int errorNumber, byte* message)
    {
        try
        {
            if (errorClass >= GdalApi.CeFailure && t_firstMessage is null)
            {
                t_firstMessage = Marshal.PtrToStringUTF8((IntPtr)message) ?? "unknown GDAL error";
                t_firstNumber = errorNumber;
            }
        }
#pragma warning disable CA1031 // An exception must never escape into native code.
        catch
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Clears this thread's error state before a call.</summary>
    internal static void Reset()
    {
        GdalApi.CPLErrorReset();
        t_firstMessage = null;
        t_firstNumber = 0;
    }

    /// <summary>Whether a failure was reported on this thread since <see cref="Reset"/>.</summary>
    internal static bool HasFailure() => t_firstMessage is not null || GdalApi.CPLGetLastErrorType() >= GdalApi.CeFailure;

    /// <summary>Throws when <paramref name="cplErr"/> (a CPLErr return) is a failure or a failure was reported.</summary>
    internal static void Check(int cplErr, string operation)
    {
        if (cplErr >= GdalApi.CeFailure || HasFailure())
        {
            throw Capture(operation);
        }
    }

    /// <summary>Throws if a failure was reported since the last reset (for void calls such as GDALClose).</summary>
    internal static void ThrowIfFailed(string operation)
    {
        if (HasFailure())
        {
            throw Capture(operation);
        }
    }

    /// <summary>
    /// Drops the query of every http(s) URL in a text: GDAL's own messages name the URL it read, and a source's query is
    /// a SAS that must not reach callers or logs.
    /// </summary>
    internal static string WithoutQueries(string text) => UrlQuery().Replace(text, "$1");

    [System.Text.RegularExpressions.GeneratedRegex(@"(https?://[^\s'""?]+)\?[^\s'""]*")]
    private static partial System.Text.RegularExpressions.Regex UrlQuery();

    /// <summary>Builds the exception for the current thread's error and resets the state.</summary>
    internal static Exception Capture(string operation)
    {
        var message = t_firstMessage;
        var number = t_firstNumber;
        var errorClass = GdalApi.CeFailure;
        if (message is null)
        {
            message = GdalApi.ToStringOrNull(GdalApi.CPLGetLastErrorMsg());
            number = GdalApi.CPLGetLastErrorNo();
            errorClass = Math.Max(GdalApi.CPLGetLastErrorType(), GdalApi.CeFailure);
        }

        Reset();
        message = string.IsNullOrWhiteSpace(message) ? "GDAL reported no message" : WithoutQueries(message.Trim());
        var text = $"{operation} failed: {message}";
        return number switch
        {
            CpleUserInterrupt => new OperationCanceledException(text),
            CpleAppDefined or CpleFileIO or CpleOpenFailed or CpleNotSupported => new RasterFormatException(text, errorClass, number),
            _ => new GdalException(text, errorClass, number),
        };
    }
}
