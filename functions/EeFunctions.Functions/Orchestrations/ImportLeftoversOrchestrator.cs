using EeFunctions.Durable;
using EeFunctions.Functions.Activities;

namespace EeFunctions.Functions.Orchestrations;

/// <summary>
/// Cleans up after an import terminated through the Durable API (which, unlike an EE cancel, never lets the import
/// clean up itself). Activities the import had in flight keep writing tiles until they end, so it sweeps after a
/// delay and again until a pass finds nothing left.
/// </summary>
[DurableTask(Name)]
public sealed class TerminatedImportCleanupOrchestrator : TaskOrchestrator<TerminatedImportInput, int>
{
    public const string Name = "EeImportTerminatedCleanup";

    /// <summary>The instance id of the cleanup of a terminated import (outside the EE operation prefix, so it lists as no operation).</summary>
    public static string InstanceIdFor(string importInstanceId) => "cleanup-" + importInstanceId;

    public override async Task<int> RunAsync(TaskOrchestrationContext context, TerminatedImportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        const int maxPasses = 10;
        var total = 0;
        for (var pass = 0; pass < maxPasses; pass++)
        {
            await context.CreateTimer(input.Delay, CancellationToken.None);
            var deleted = await context.CallActivityAsync<int>(CleanupTerminatedImportActivity.Name, input);
            total += deleted;
            if (deleted == 0 && pass > 0)
            {
                break;
            }
        }

        return total;
    }
}
