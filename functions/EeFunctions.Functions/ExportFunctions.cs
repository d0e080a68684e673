using EeFunctions.App.Activities;
using EeFunctions.App.EarthEngine.Export;
using EeFunctions.App.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace EeFunctions.Functions;

/// <summary>The export's orchestrator and activities as Durable functions, thin wrappers over the shared classes.</summary>
public sealed class ExportFunctions(ExportChunkActivity chunk, WriteExportFileActivity writeFile, WriteTfRecordActivity writeRecords, CleanupExportActivity cleanup)
{
    [Function(ExportImageOrchestrator.Name)]
    public static Task<ImportOutcome> ExportImage([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ExportImageOrchestrator().RunAsync(context, context.GetInput<ExportSpec>() ?? throw new InvalidOperationException($"Orchestration {context?.InstanceId} has no ExportSpec input."));

    [Function(ExportChunkActivity.Name)]
    public Task<bool> Chunk([ActivityTrigger] ExportChunkInput input, FunctionContext function) =>
        chunk.RunAsync(new FunctionActivityContext(ExportChunkActivity.Name, function), input);

    [Function(WriteExportFileActivity.Name)]
    public Task<string?> WriteFile([ActivityTrigger] WriteExportFileInput input, FunctionContext function) =>
        writeFile.RunAsync(new FunctionActivityContext(WriteExportFileActivity.Name, function), input);

    [Function(WriteTfRecordActivity.Name)]
    public Task<IReadOnlyList<string>> WriteTfRecord([ActivityTrigger] ExportSpec input, FunctionContext function) =>
        writeRecords.RunAsync(new FunctionActivityContext(WriteTfRecordActivity.Name, function), input);

    [Function(CleanupExportActivity.Name)]
    public Task<int> Cleanup([ActivityTrigger] CleanupExportInput input, FunctionContext function) =>
        cleanup.RunAsync(new FunctionActivityContext(CleanupExportActivity.Name, function), input);
}
