using EeFunctions.App.Http;
using EeFunctions.App.Orchestrations;
using EeFunctions.DurableTask;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.EarthEngine;

/// <summary>How an import was asked for, beyond its request: where its outcome is written, and whether an existing asset is refused at once.</summary>
/// <param name="ResultBlob">A <c>{container}/{name}</c> the orchestration writes its outcome to when it ends (blob drops).</param>
/// <param name="RefuseExistingAsset">Refuse at submission when the asset exists and overwrite is off (image:import); otherwise the import starts and fails ALREADY_EXISTS.</param>
public sealed record ImportStartOptions(string? ResultBlob = null, bool RefuseExistingAsset = true);

/// <summary>
/// Validates an <c>image:import</c> request and starts its orchestration once per request id of one principal: the
/// path of <c>image:import</c> and of blob drops alike.
/// </summary>
public sealed class ImageImportStarter(OrchestrationStarter starter, SourceResolver resolver, EeStorage storage, IOptions<EarthEngineOptions> options, ILogger<ImageImportStarter> logger)
{
    /// <summary>Starts the import (or finds the one its request id started) and answers its instance.</summary>
    public async Task<OrchestrationMetadata> StartAsync(DurableTaskClient client, string project, string principal, ImportImageRequest request, ImportStartOptions start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(start);
        EeNames.ValidateRequestId(request.RequestId);
        var operationId = string.IsNullOrEmpty(request.RequestId) ? EeNames.NewOperationId() : EeNames.OperationIdFor(project, principal, request.RequestId);
        var instanceId = EeNames.InstanceId(project, operationId);

        // The same request id from the same caller returns the original operation, whatever its state, and starts nothing.
        if (!string.IsNullOrEmpty(request.RequestId) && await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) is { } existing)
        {
            Logs.ImportDeduplicated(logger, instanceId);
            return existing;
        }

        var settings = options.Value;
        var spec = ImportRequestValidator.Validate(project, request, operationId, DateTimeOffset.UtcNow) with
        {
            // The orchestrator must replay deterministically, so the settings it follows travel in its input.
            TileRowsPerActivity = settings.TileRowsPerActivity,
            ParentsPerActivity = settings.ParentsPerActivity,
            ReplacedTilesGrace = settings.ReplacedTilesGrace,
            ResultBlob = start.ResultBlob,
        };
        foreach (var uri in spec.Tilesets.SelectMany(t => t.Sources))
        {
            resolver.Locate(uri);
        }

        if (start.RefuseExistingAsset && !spec.Overwrite && await storage.Catalog.GetAsync(project, spec.AssetPath, cancellationToken) is not null)
        {
            throw new EarthEngineException(EeStatusCode.AlreadyExists, $"Cannot overwrite asset '{EeNames.AssetName(project, spec.AssetPath)}': it already exists (set overwrite to true to replace it).");
        }

        // Atomic: of concurrent requests with one request id, exactly one schedules, and all answer with that operation.
        if (await starter.StartOnceAsync(client, ImportImageOrchestrator.Name, instanceId, spec, cancellationToken))
        {
            Logs.ImportStarted(logger, instanceId, spec.AssetPath);
        }
        else
        {
            Logs.ImportDeduplicated(logger, instanceId);
        }

        return await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken)
            ?? throw new EarthEngineException(EeStatusCode.Internal, $"Operation {operationId} was started but cannot be read back.");
    }
}
