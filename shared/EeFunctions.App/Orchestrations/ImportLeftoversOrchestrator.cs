using Microsoft.DurableTask.Client;
using Microsoft.DurableTask;
using EeFunctions.DurableTask;
using EeFunctions.App.Activities;

namespace EeFunctions.App.Orchestrations;

/// <summary>
/// Removes, after a delay, what an import leaves behind outside its own run: the tile generation an overwrite replaced
/// (kept for <see cref="EarthEngine.EarthEngineOptions.ReplacedTilesGrace"/> so a read that began on the old row still
/// finds its tiles), or everything of an import terminated through the Durable API (which never runs again to clean
/// up itself; activities it had in flight keep writing until they end). It sweeps after the delay and again until a
/// pass finds nothing left.
/// </summary>
[DurableTask(Name)]
public sealed class ImportLeftoversOrchestrator : TaskOrchestrator<ImportLeftoversInput, int>
{
    public const string Name = "EeImportLeftovers";

    /// <summary>The instance that cleans up after a terminated import (outside the EE operation prefix, so it lists as no operation).</summary>
    public static string AfterTerminate(string importInstanceId) => "cleanup-" + importInstanceId;

    /// <summary>The instance that retires a generation an overwrite replaced (one per generation, whoever replaced it).</summary>
    public static string AfterOverwrite(string project, string assetKey, long replacedGeneration) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"retire-{project}-{assetKey}-{replacedGeneration}");

    /// <summary>
    /// Starts the cleanup as <paramref name="instanceId"/> unless that instance exists in any state (the id names what is
    /// cleaned, so a retried caller starts nothing new); false when it already existed.
    /// </summary>
    public static Task<bool> StartAsync(OrchestrationStarter starter, DurableTaskClient client, string instanceId, ImportLeftoversInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(starter);
        return starter.StartOnceAsync(client, Name, instanceId, input, cancellationToken);
    }

    public override async Task<int> RunAsync(TaskOrchestrationContext context, ImportLeftoversInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        const int maxPasses = 10;
        var total = 0;
        for (var pass = 0; pass < maxPasses; pass++)
        {
            await context.CreateTimer(input.Delay, CancellationToken.None);
            var deleted = await context.CallActivityAsync<int>(CleanupImportLeftoversActivity.Name, input);
            total += deleted;
            if (deleted == 0 && pass > 0)
            {
                break;
            }
        }

        return total;
    }
}
