using EeFunctions.DurableTask;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.App.Durable;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Orchestrations;

using Microsoft.Extensions.Options;

namespace EeFunctions.App.Http;

/// <summary><c>POST /{v}/projects/{p}/image:import</c>: validate, dedupe by request id, start the ImportImage orchestration.</summary>
public sealed class EeImageApi(OrchestrationStarter starter, SourceResolver resolver, EeStorage storage, IOptions<EarthEngineOptions> options, ILogger<EeImageApi> logger)
{
    internal async Task ImportAsync(EeCall call)
    {
        var caller = await call.AuthorizeAsync(EePermissions.ImportsCreate);
        var project = call.Project;
        var request = await EeJson.DeserializeAsync<ImportImageRequest>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);
        EeNames.ValidateRequestId(request.RequestId);
        var client = call.Durable;
        var operationId = string.IsNullOrEmpty(request.RequestId) ? EeNames.NewOperationId() : EeNames.OperationIdFor(project, caller.Subject, request.RequestId);
        var instanceId = EeNames.InstanceId(project, operationId);

        // The same request id from the same caller returns the original operation, whatever its state, and starts nothing.
        if (!string.IsNullOrEmpty(request.RequestId) && await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, call.Aborted) is { } existing)
        {
            Logs.ImportDeduplicated(logger, instanceId);
            await RespondAsync(call, existing);
            return;
        }

        var settings = options.Value;
        var spec = ImportRequestValidator.Validate(project, request, operationId, DateTimeOffset.UtcNow) with
        {
            // The orchestrator must replay deterministically, so the settings it follows travel in its input.
            TileRowsPerActivity = settings.TileRowsPerActivity,
            ParentsPerActivity = settings.ParentsPerActivity,
            ReplacedTilesGrace = settings.ReplacedTilesGrace,
        };
        foreach (var uri in spec.Tilesets.SelectMany(t => t.Sources))
        {
            resolver.Locate(uri);
        }

        if (!spec.Overwrite && await storage.Catalog.GetAsync(project, spec.AssetPath, call.Aborted) is not null)
        {
            throw new EarthEngineException(EeStatusCode.AlreadyExists, $"Cannot overwrite asset '{EeNames.AssetName(project, spec.AssetPath)}': it already exists (set overwrite to true to replace it).");
        }

        // Atomic: of concurrent requests with one request id, exactly one schedules, and all answer with that operation.
        if (await starter.StartOnceAsync(client, ImportImageOrchestrator.Name, instanceId, spec, call.Aborted))
        {
            Logs.ImportStarted(logger, instanceId, spec.AssetPath);
        }
        else
        {
            Logs.ImportDeduplicated(logger, instanceId);
        }

        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, call.Aborted)
            ?? throw new EarthEngineException(EeStatusCode.Internal, $"Operation {operationId} was started but cannot be read back.");
        await RespondAsync(call, metadata);
    }

    private static Task RespondAsync(EeCall call, OrchestrationMetadata metadata)
    {
        call.Http.Response.Headers.Location = DurableHttpManagement.StatusQueryUri(call.Http.Request, metadata.InstanceId);
        return EarthEngineApi.WriteJsonAsync(call.Http, OperationView.From(metadata));
    }
}
