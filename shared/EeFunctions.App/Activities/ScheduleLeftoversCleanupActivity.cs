using EeFunctions.DurableTask;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using EeFunctions.App.Orchestrations;

namespace EeFunctions.App.Activities;

/// <summary>
/// Starts an <see cref="ImportLeftoversOrchestrator"/> that outlives the import (an orchestrator cannot start an
/// instance it does not wait for). Idempotent: the instance id is fixed, so a retried activity starts nothing new.
/// </summary>
[DurableTask(Name)]
public sealed class ScheduleLeftoversCleanupActivity(OrchestrationStarter starter, DurableTaskClient client, IHostApplicationLifetime lifetime) : TaskActivity<ScheduleLeftoversInput, bool>
{
    public const string Name = "EeImport_ScheduleLeftovers";

    public override Task<bool> RunAsync(TaskActivityContext context, ScheduleLeftoversInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return ImportLeftoversOrchestrator.StartAsync(starter, client, input.InstanceId, input.Leftovers, lifetime.ApplicationStopping);
    }
}
