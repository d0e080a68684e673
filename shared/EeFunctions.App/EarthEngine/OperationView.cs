using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.App.EarthEngine.Export;
using EeFunctions.App.Orchestrations;

namespace EeFunctions.App.EarthEngine;

/// <summary>The EE Operation of an import or export instance: state, progress, stages and times from its status, input and output.</summary>
public static class OperationView
{
    public static Operation From(OrchestrationMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var export = metadata.Name == ExportImageOrchestrator.Name;
        var spec = export ? null : TryRead<ImportSpec>(() => metadata.ReadInputAs<ImportSpec>());
        var exportSpec = export ? TryRead<ExportSpec>(() => metadata.ReadInputAs<ExportSpec>()) : null;
        var progress = TryRead(() => metadata.ReadCustomStatusAs<ImportProgress>());
        var outcome = metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? TryRead(() => metadata.ReadOutputAs<ImportOutcome>()) : null;
        var parsed = EeNames.ParseInstanceId(metadata.InstanceId);
        var project = spec?.Project ?? exportSpec?.Project ?? parsed?.Project ?? "unknown";
        var operationId = spec?.OperationId ?? exportSpec?.OperationId ?? parsed?.OperationId ?? metadata.InstanceId;
        var what = export ? "export" : "import";

        OperationState state;
        Status? error = null;
        var done = true;
        switch (metadata.RuntimeStatus)
        {
            case OrchestrationRuntimeStatus.Pending:
                state = OperationState.Pending;
                done = false;
                break;
            case OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended:
                state = progress?.State == "CANCELLING" ? OperationState.Cancelling : OperationState.Running;
                done = false;
                break;
            case OrchestrationRuntimeStatus.Completed when outcome is { Succeeded: true }:
                state = OperationState.Succeeded;
                break;
            case OrchestrationRuntimeStatus.Completed when outcome is { ErrorCode: (int)EeStatusCode.Cancelled }:
                state = OperationState.Cancelled;
                error = new Status { Code = 1, Message = outcome.ErrorMessage ?? "Cancelled." };
                break;
            case OrchestrationRuntimeStatus.Completed:
                state = OperationState.Failed;
                error = new Status { Code = outcome?.ErrorCode ?? (int)EeStatusCode.Internal, Message = outcome?.ErrorMessage ?? $"The {what} failed." };
                break;
            case OrchestrationRuntimeStatus.Terminated:
                state = OperationState.Cancelled;
                error = new Status { Code = 1, Message = "The operation was terminated." };
                break;
            default:
                state = OperationState.Failed;
                error = new Status { Code = (int)EeStatusCode.Internal, Message = metadata.FailureDetails?.ErrorMessage ?? $"The {what} failed." };
                break;
        }

        var stages = progress?.Stages.Select(s => new OperationStage { DisplayName = s.DisplayName, CompleteWorkUnits = s.CompleteWorkUnits, TotalWorkUnits = s.TotalWorkUnits, Description = s.Description }).ToList();
        return new Operation
        {
            Name = EeNames.OperationName(project, operationId),
            Done = done,
            Error = error,
            Response = state == OperationState.Succeeded
                ? new Dictionary<string, JsonElement> { ["@type"] = JsonSerializer.SerializeToElement("type.googleapis.com/google.protobuf.Empty") }
                : null,
            Metadata = new OperationMetadata
            {
                State = state,
                Description = spec?.Description ?? exportSpec?.Description,
                Type = export ? "EXPORT_IMAGE" : "INGEST_IMAGE",
                Priority = 100,
                CreateTime = spec?.CreateTime ?? exportSpec?.CreateTime ?? metadata.CreatedAt,
                UpdateTime = metadata.LastUpdatedAt,
                StartTime = outcome?.StartTime ?? progress?.StartTime,
                EndTime = done ? outcome?.EndTime ?? metadata.LastUpdatedAt : null,
                Progress = state == OperationState.Succeeded ? 1 : progress?.Progress ?? 0,
                Stages = stages,
                Attempt = 1,
                DestinationUris = exportSpec is not null ? outcome?.Written ?? exportSpec.DestinationUris
                    : spec is null ? null : [EeNames.AssetName(spec.Project, spec.AssetPath)],
            },
        };
    }

    private static T? TryRead<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
