using EeFunctions.DurableTask;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using EeFunctions.EarthEngine.Import;
using EeFunctions.App.Durable;
using EeFunctions.App.EarthEngine.Export;
using EeFunctions.App.Orchestrations;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.EarthEngine;

/// <summary>
/// Starts the cleanup of an import or export terminated through the Durable API (once per instance): its staging
/// blobs and, for an import or an asset export, the tile generation it was writing, fenced off from a Register still
/// queued. Files an export finished writing stay: each is whole.
/// </summary>
public sealed class OperationTerminationHook(OrchestrationStarter starter, DurableTaskClient client, IOptions<EarthEngineOptions> options) : IDurableTerminationHook
{
    public async Task OnTerminatedAsync(OrchestrationMetadata instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (project, assetPath, operationId) = instance.Name switch
        {
            ImportImageOrchestrator.Name when instance.ReadInputAs<ImportSpec>() is { } spec => (spec.Project, spec.AssetPath, spec.OperationId),
            ExportImageOrchestrator.Name when instance.ReadInputAs<ExportSpec>() is { } spec => (spec.Project, spec.Registration?.AssetPath ?? "export", spec.OperationId),
            _ => (null, null, null),
        };
        if (project is null)
        {
            return;
        }

        // The generation known now, if any; the cleanup reads it again from the terminated instance (see its activity).
        var progress = instance.ReadCustomStatusAs<ImportProgress>();
        var input = new ImportLeftoversInput(project, EeStorage.AssetKey(assetPath!), progress?.Generation, operationId, options.Value.TerminatedCleanupDelay, Revoke: true, instance.InstanceId);
        await ImportLeftoversOrchestrator.StartAsync(starter, client, ImportLeftoversOrchestrator.AfterTerminate(instance.InstanceId), input, cancellationToken);
    }
}
