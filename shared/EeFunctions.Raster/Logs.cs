using Microsoft.Extensions.Logging;

namespace EeFunctions.Raster;

internal static partial class Logs
{
    [LoggerMessage(EventId = 5001, EventName = "GdalReady", Level = LogLevel.Information,
        Message = "GDAL {Version} loaded from {Library}; cache {CacheMb} MiB, GDAL_NUM_THREADS={Threads}")]
    public static partial void GdalReady(this ILogger logger, string? version, string? library, int cacheMb, string threads);

    [LoggerMessage(EventId = 5002, EventName = "GdalUnavailable", Level = LogLevel.Critical,
        Message = "{Error} Raster operations will fail until it is installed.")]
    public static partial void GdalUnavailable(this ILogger logger, string? error);
}
