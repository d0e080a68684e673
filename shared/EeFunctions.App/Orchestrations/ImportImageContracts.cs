using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.App.EarthEngine;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.Orchestrations;

/// <summary>The inspected plan of one tileset: where its pixels are read from and the layout they are tiled to.</summary>
/// <remarks>The layout carries no non-finite no-data values (JSON has no NaN); <paramref name="NoData"/> keeps each band's as text.</remarks>
/// <remarks><paramref name="VrtTemplate"/> (mosaics, manifest no-data) is read instead of the single source when set.</remarks>
public sealed record TilesetPlan(string TilesetId, string StoreId, IReadOnlyList<SourceLocation> Sources, string? VrtTemplate, TilesetLayout Layout, string? CrsCode, long SourceBytes, IReadOnlyList<string?> NoData);

public sealed record InspectTilesetInput(ImportSpec Spec, int TilesetIndex);

public sealed record TileRowsInput(string Project, string AssetKey, long Generation, TilesetPlan Plan, int FirstRow, int RowCount);

public sealed record BuildParentsInput(string Project, string AssetKey, long Generation, TilesetPlan Plan, int Level, int First, int Count);

public sealed record RegisterImageInput(ImportSpec Spec, long Generation, IReadOnlyList<TilesetPlan> Plans);

public sealed record CleanupImportInput(string Project, string AssetKey, long? TileGeneration, string OperationId);

/// <summary>One stage of the import as the Operation shows it.</summary>
public sealed record ImportStage(string DisplayName, long CompleteWorkUnits, long TotalWorkUnits, string Description);

/// <summary>The orchestration's custom status: what the Operation view reads while it runs.</summary>
/// <remarks><paramref name="Generation"/> is the tile generation being written, so a terminated import's tiles can be found.</remarks>
public sealed record ImportProgress(string State, double Progress, IReadOnlyList<ImportStage> Stages, DateTimeOffset? StartTime, long? Generation = null);

/// <summary>What is left to remove later: an import's staging blobs (no operation: none) and a tile generation (replaced, deleted, or a terminated import's).</summary>
/// <remarks>
/// <paramref name="Revoke"/>: the generation belongs to a terminated import, so it is fenced off from a Register still
/// queued. <paramref name="TerminatedInstanceId"/>: that import's (or export's) instance, whose recorded progress names
/// the generation once the terminate has taken effect.
/// </remarks>
public sealed record ImportLeftoversInput(string Project, string AssetKey, long? TileGeneration, string? OperationId, TimeSpan Delay, bool Revoke = false, string? TerminatedInstanceId = null);

/// <summary>Starts the leftovers cleanup <paramref name="Leftovers"/> as instance <paramref name="InstanceId"/>.</summary>
public sealed record ScheduleLeftoversInput(string InstanceId, ImportLeftoversInput Leftovers);

/// <summary>The orchestration's output: success, or the EE error (code 1 = cancelled).</summary>
/// <param name="Written">An export's outputs as written (files skipped as empty are not there; TFRecord shards are).</param>
public sealed record ImportOutcome(bool Succeeded, int ErrorCode, string? ErrorMessage, string AssetName, DateTimeOffset? StartTime, DateTimeOffset EndTime, IReadOnlyList<string>? Written = null);

/// <summary>An import failure with its EE code, carried through the durable failure details as "code|message".</summary>
public sealed class ImportFailedException : Exception
{
    public ImportFailedException(EeStatusCode code, string message)
        : base($"{(int)code}|{message}")
    {
    }

    public ImportFailedException()
    {
    }

    public ImportFailedException(string message)
        : base(message)
    {
    }

    public ImportFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Reads "code|message" back; other messages are INTERNAL.</summary>
    public static (int Code, string Message) Parse(string errorType, string message)
    {
        if (errorType == typeof(ImportFailedException).FullName)
        {
            var bar = message.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && int.TryParse(message.AsSpan(0, bar), System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                return (code, message[(bar + 1)..]);
            }
        }

        return ((int)EeStatusCode.Internal, message);
    }
}
