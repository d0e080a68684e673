using EeFunctions.App.Activities;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Orchestrations;
using EeFunctions.DurableTask;
using EeFunctions.EarthEngine.Import;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;

namespace EeFunctions.Functions;

/// <summary>
/// The import's orchestrators and activities as Durable functions: each a thin wrapper over the shared class the
/// self-host registers (Microsoft.DurableTask.Generators, which would write these, is not served here).
/// </summary>
public sealed class ImportFunctions(
    InspectTilesetActivity inspect,
    TileRowsActivity tileRows,
    BuildParentsActivity pyramid,
    RegisterImageActivity register,
    CleanupImportActivity cleanup,
    EeStorage storage,
    WriteImportResultActivity writeResult,
    OrchestrationStarter starter,
    IHostApplicationLifetime lifetime)
{
    [Function(ImportImageOrchestrator.Name)]
    public static Task<ImportOutcome> ImportImage([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ImportImageOrchestrator().RunAsync(context, Input<ImportSpec>(context));

    [Function(ImportLeftoversOrchestrator.Name)]
    public static Task<int> ImportLeftovers([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ImportLeftoversOrchestrator().RunAsync(context, Input<ImportLeftoversInput>(context));

    [Function(InspectTilesetActivity.Name)]
    public Task<TilesetPlan> Inspect([ActivityTrigger] InspectTilesetInput input, FunctionContext function) =>
        inspect.RunAsync(new FunctionActivityContext(InspectTilesetActivity.Name, function), input);

    [Function(TileRowsActivity.Name)]
    public Task<long> TileRows([ActivityTrigger] TileRowsInput input, FunctionContext function) =>
        tileRows.RunAsync(new FunctionActivityContext(TileRowsActivity.Name, function), input);

    [Function(BuildParentsActivity.Name)]
    public Task<long> Pyramid([ActivityTrigger] BuildParentsInput input, FunctionContext function) =>
        pyramid.RunAsync(new FunctionActivityContext(BuildParentsActivity.Name, function), input);

    [Function(RegisterImageActivity.Name)]
    public Task<long> Register([ActivityTrigger] RegisterImageInput input, FunctionContext function) =>
        register.RunAsync(new FunctionActivityContext(RegisterImageActivity.Name, function), input);

    [Function(CleanupImportActivity.Name)]
    public Task<int> Cleanup([ActivityTrigger] CleanupImportInput input, FunctionContext function) =>
        cleanup.RunAsync(new FunctionActivityContext(CleanupImportActivity.Name, function), input);

    [Function(CleanupImportLeftoversActivity.Name)]
    public Task<int> CleanupLeftovers([ActivityTrigger] ImportLeftoversInput input, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        new CleanupImportLeftoversActivity(storage, client, lifetime).RunAsync(new FunctionActivityContext(CleanupImportLeftoversActivity.Name, function), input);

    [Function(WriteImportResultActivity.Name)]
    public Task<bool> WriteResult([ActivityTrigger] WriteImportResultInput input, FunctionContext function) =>
        writeResult.RunAsync(new FunctionActivityContext(WriteImportResultActivity.Name, function), input);

    /// <summary>Starts a leftovers cleanup with this invocation's Durable client.</summary>
    [Function(ScheduleLeftoversCleanupActivity.Name)]
    public Task<bool> ScheduleLeftovers([ActivityTrigger] ScheduleLeftoversInput input, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        new ScheduleLeftoversCleanupActivity(starter, client, lifetime).RunAsync(new FunctionActivityContext(ScheduleLeftoversCleanupActivity.Name, function), input);

    private static T Input<T>(TaskOrchestrationContext context) =>
        context.GetInput<T>() ?? throw new InvalidOperationException($"Orchestration {context.InstanceId} has no {typeof(T).Name} input.");
}
