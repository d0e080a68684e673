using EeFunctions.DurableTask;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using EeFunctions.EarthEngine.Import;
using EeFunctions.App.Durable;
using EeFunctions.App.Orchestrations;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.EarthEngine;

/// <summary>Starts the cleanup of an import terminated through the Durable API (once per instance).</summary>
public sealed class ImportTerminationHook(OrchestrationStarter starter, DurableTaskClient client, IOptions<EarthEngineOptions> options) : IDurableTerminationHook
{
    public async Task OnTerminatedAsync(OrchestrationMetadata instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Name != ImportImageOrchestrator.Name || instance.ReadInputAs<ImportSpec>() is not { } spec)
        {
            return;
        }

        var progress = instance.ReadCustomStatusAs<ImportProgress>();
        var input = new ImportLeftoversInput(spec.Project, EeStorage.AssetKey(spec.AssetPath), progress?.Generation, spec.OperationId, options.Value.TerminatedCleanupDelay, Revoke: true);
        await ImportLeftoversOrchestrator.StartAsync(starter, client, ImportLeftoversOrchestrator.AfterTerminate(instance.InstanceId), input, cancellationToken);
    }
}
