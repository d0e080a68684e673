using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.App.Orchestrations;
using EeFunctions.DurableTask;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using Microsoft.DurableTask.Client;

namespace EeFunctions.App.EarthEngine.Export;

/// <summary>Plans an <c>image:export</c> and starts its orchestration once per request id of one caller.</summary>
public sealed class ImageExportStarter(
    OrchestrationStarter starter,
    ImageExportPlanner planner,
    CatalogImageAssetsFactory assetsFactory,
    ILogger<ImageExportStarter> logger)
{
    public async Task<OrchestrationMetadata> StartAsync(DurableTaskClient client, string project, EeCaller caller, ExportImageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EeNames.ValidateRequestId(request.RequestId);

        // Request ids of exports and imports are separate namespaces.
        var operationId = string.IsNullOrEmpty(request.RequestId) ? EeNames.NewOperationId() : EeNames.OperationIdFor(project, caller.Subject, "export:" + request.RequestId);
        var instanceId = EeNames.InstanceId(project, operationId);
        if (!string.IsNullOrEmpty(request.RequestId) && await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) is { } existing)
        {
            Logs.ExportDeduplicated(logger, instanceId);
            return existing;
        }

        // Reading an asset needs assets.get on its project, writing one assets.create, as for any other caller.
        if (request.AssetExportOptions is not null && !caller.Has(project, EePermissions.AssetsCreate))
        {
            throw new EarthEngineException(EeStatusCode.PermissionDenied, $"Permission '{EePermissions.AssetsCreate}' denied on project '{project}': an export to an asset creates one.");
        }

        var assets = assetsFactory.For(p => caller.Has(p, EePermissions.AssetsGet));
        var spec = await planner.PlanAsync(project, operationId, request, assets, DateTimeOffset.UtcNow, cancellationToken);
        if (await starter.StartOnceAsync(client, ExportImageOrchestrator.Name, instanceId, spec, cancellationToken))
        {
            Logs.ExportStarted(logger, instanceId, spec.DestinationUris.Count);
        }
        else
        {
            Logs.ExportDeduplicated(logger, instanceId);
        }

        return await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken)
            ?? throw new EarthEngineException(EeStatusCode.Internal, $"Operation {operationId} was started but cannot be read back.");
    }
}

internal static partial class Logs
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Operation {InstanceId}: export to {Files} file(s) started")]
    public static partial void ExportStarted(ILogger logger, string instanceId, int files);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Operation {InstanceId}: duplicate export request id, returning the existing operation")]
    public static partial void ExportDeduplicated(ILogger logger, string instanceId);
}
