using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Orchestrations;

namespace EeFunctions.App.Activities;

/// <summary>
/// One sweep of <see cref="ImportLeftoversOrchestrator"/>: the import's staging blobs, and a tile generation that is
/// no longer (or, for a terminated import, never will be) the asset's.
/// </summary>
[DurableTask(Name)]
public sealed class CleanupImportLeftoversActivity(EeStorage storage, DurableTaskClient durable, IHostApplicationLifetime lifetime) : TaskActivity<ImportLeftoversInput, int>
{
    public const string Name = "EeImport_CleanupLeftovers";

    /// <summary>How long the cleanup of a terminated instance waits for the terminate to take effect.</summary>
    private static readonly TimeSpan s_terminateWait = TimeSpan.FromMinutes(1);

    public override async Task<int> RunAsync(TaskActivityContext context, ImportLeftoversInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = lifetime.ApplicationStopping;
        if (input.TerminatedInstanceId is { } instanceId)
        {
            input = input with { TileGeneration = await TerminatedGenerationAsync(instanceId, cancellationToken) ?? input.TileGeneration };
        }

        return await RemoveAsync(storage, input, cancellationToken);
    }

    /// <summary>
    /// The generation a terminated import or export was writing, from its progress once the terminate has taken
    /// effect. What the terminate call saw can predate it: the provider sends an episode's activities before it writes
    /// the Instances row that carries the episode's progress, so a terminate that follows the first tile can read a
    /// progress without the generation whose tiles are being written (they were then left behind). Null when the
    /// instance is gone or the terminate has not taken effect within the wait.
    /// </summary>
    private async Task<long?> TerminatedGenerationAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(s_terminateWait);
        try
        {
            var done = await durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, wait.Token);
            return done.ReadCustomStatusAs<ImportProgress>()?.Generation;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // Purged meanwhile: nothing to read.
            return null;
        }
    }

    /// <summary>Removes the staging blobs and, when it may go, the tile generation; returns how many blobs went.</summary>
    internal static async Task<int> RemoveAsync(EeStorage storage, ImportLeftoversInput input, CancellationToken ct)
    {
        await storage.EnsureContainersAsync(ct);
        var deleted = input.OperationId is null ? 0 : await storage.Staging.DeletePrefixAsync(input.OperationId + "/", ct);
        if (input.TileGeneration is { } generation && await MayDeleteAsync(storage, input, generation, ct))
        {
            deleted += await storage.Tiles.DeletePrefixAsync(EeStorage.GenerationPrefix(input.Project, input.AssetKey, generation), ct);
        }

        return deleted;
    }

    /// <summary>
    /// A terminated import's generation goes only if the revoke wins its claim (a queued Register then fails instead of
    /// pointing the asset at it); any other generation goes when the asset does not point at it (a Register whose reply
    /// was lost may have flipped to it).
    /// </summary>
    private static async Task<bool> MayDeleteAsync(EeStorage storage, ImportLeftoversInput input, long generation, CancellationToken ct)
    {
        if (input.Revoke)
        {
            return await storage.Claims.TryRevokeAsync(input.Project, input.AssetKey, generation, ct);
        }

        var current = await storage.Catalog.GetAsync(input.Project, input.AssetKey.Replace(':', '/'), ct);
        return current?.Image?.Generation != generation;
    }
}
