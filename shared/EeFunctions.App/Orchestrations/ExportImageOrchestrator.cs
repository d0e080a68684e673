using EeFunctions.App.Activities;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.EarthEngine.Export;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Names;
using Microsoft.DurableTask;

namespace EeFunctions.App.Orchestrations;

/// <summary>
/// <c>image:export</c>: Compute (fan-out over tile-aligned chunks of the output, staged) → Write (fan-out over
/// output files, each uploaded whole) → remove staging. Progress goes to the custom status like an import's. A
/// <c>cancel</c> event is cooperative: nothing new is scheduled, in-flight activities drain, then staging and any
/// file already written are removed and the outcome is CANCELLED (code 1); failures end the same way.
/// </summary>
[DurableTask(Name)]
public sealed class ExportImageOrchestrator : TaskOrchestrator<ExportSpec, ImportOutcome>
{
    public const string Name = "EeExportImage";

    public override async Task<ImportOutcome> RunAsync(TaskOrchestrationContext context, ExportSpec input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return await new Run(context, input).ExecuteAsync();
    }

    private sealed class Run(TaskOrchestrationContext context, ExportSpec spec)
    {
        private CooperativeCancel _steps = null!;
        private readonly DateTimeOffset _startTime = new(context.CurrentUtcDateTime, TimeSpan.Zero);
        private readonly List<ImportStage> _stages = [];

        // An asset export's tile generation, in the custom status so a terminate's cleanup can find its tiles.
        private long? _generation;

        private string Destination => spec.DestinationUris.Count > 0 ? spec.DestinationUris[0] : EeNames.OperationName(spec.Project, spec.OperationId);

        public async Task<ImportOutcome> ExecuteAsync()
        {
            _steps = new CooperativeCancel(context, () => SetStatus("CANCELLING"));
            if (spec.Plan is not null)
            {
                return await ExportAssetAsync();
            }

            try
            {
                var chunks = spec.Chunks();
                Stage("Compute", chunks.Count, "Computing the image's pixels");
                var hasData = await _steps.Step(Task.WhenAll(chunks.Select(c => Counted("Compute", context.CallActivityAsync<bool>(ExportChunkActivity.Name, new ExportChunkInput(spec, c))))));
                Complete("Compute");

                if (spec.Records is not null)
                {
                    Stage("Write", 1, "Writing the TFRecord files");
                    var records = await _steps.Step(context.CallActivityAsync<IReadOnlyList<string>>(WriteTfRecordActivity.Name, spec));
                    Complete("Write");
                    await context.CallActivityAsync<int>(CleanupExportActivity.Name, new CleanupExportInput(spec, DeleteOutputs: false));
                    return new ImportOutcome(true, 0, null, Destination, _startTime, Now(), records);
                }

                Stage("Write", spec.Files.Count, "Writing the output files");
                var fileHasData = spec.Files.Select((_, f) => chunks.Select((c, i) => (c, i)).Any(x => x.c.File == f && hasData[x.i])).ToList();
                var written = await _steps.Step(Task.WhenAll(spec.Files.Select((_, f) => Counted("Write", context.CallActivityAsync<string?>(WriteExportFileActivity.Name, new WriteExportFileInput(spec, f, fileHasData[f]))))));
                Complete("Write");

                await context.CallActivityAsync<int>(CleanupExportActivity.Name, new CleanupExportInput(spec, DeleteOutputs: false));
                return new ImportOutcome(true, 0, null, Destination, _startTime, Now(), [.. written.OfType<string>()]);
            }
            catch (CancelRequestedException)
            {
                SetStatus("CANCELLING");
                await context.CallActivityAsync<int>(CleanupExportActivity.Name, new CleanupExportInput(spec, DeleteOutputs: true));
                return new ImportOutcome(false, (int)EeStatusCode.Cancelled, "The operation was cancelled.", Destination, _startTime, Now());
            }
            catch (TaskFailedException ex)
            {
                var (code, message) = ImportFailedException.Parse(ex.FailureDetails.ErrorType, ex.FailureDetails.ErrorMessage);
                await context.CallActivityAsync<int>(CleanupExportActivity.Name, new CleanupExportInput(spec, DeleteOutputs: true));
                return new ImportOutcome(false, code, message, Destination, _startTime, Now());
            }
        }

        /// <summary>Compute (level-0 tiles of a new generation) → Pyramid → Register, as an import does from its tiles on.</summary>
        private async Task<ImportOutcome> ExportAssetAsync()
        {
            var plan = spec.Plan!;
            var registration = spec.Registration!;
            var assetKey = EeStorage.AssetKey(registration.AssetPath);
            var generation = context.CurrentUtcDateTime.Ticks;
            _generation = generation;
            var registered = false;
            try
            {
                var chunks = spec.Chunks();
                Stage("Compute", chunks.Count, "Computing the image's pixels into tiles");
                await _steps.Step(Task.WhenAll(chunks.Select(c => Counted("Compute", context.CallActivityAsync<bool>(ExportChunkActivity.Name, new ExportChunkInput(spec, c, generation))))));
                Complete("Compute");

                var levels = plan.Layout.LevelCount;
                Stage("Pyramid", Math.Max(0, levels - 1), "Building pyramid levels");
                for (var level = 1; level < levels; level++)
                {
                    var count = plan.Layout.Rows(level) * plan.Layout.Columns(level);
                    var units = new List<BuildParentsInput>();
                    for (var first = 0; first < count; first += registration.ParentsPerActivity)
                    {
                        units.Add(new BuildParentsInput(spec.Project, assetKey, generation, plan, level, first, Math.Min(registration.ParentsPerActivity, count - first)));
                    }

                    await _steps.Step(Task.WhenAll(units.Select(u => context.CallActivityAsync<long>(BuildParentsActivity.Name, u))));
                }

                Complete("Pyramid");
                var replaced = await _steps.Step(context.CallActivityAsync<long>(RegisterImageActivity.Name, new RegisterImageInput(registration, generation, [plan])));
                registered = true;
                await context.CallActivityAsync<int>(CleanupExportActivity.Name, new CleanupExportInput(spec, DeleteOutputs: false));
                if (replaced >= 0)
                {
                    // Not now: a read that found the old row may still be fetching its tiles.
                    var leftovers = new ImportLeftoversInput(spec.Project, assetKey, replaced, spec.OperationId, registration.ReplacedTilesGrace);
                    await context.CallActivityAsync<bool>(ScheduleLeftoversCleanupActivity.Name, new ScheduleLeftoversInput(ImportLeftoversOrchestrator.AfterOverwrite(spec.Project, assetKey, replaced), leftovers));
                }

                return new ImportOutcome(true, 0, null, Destination, _startTime, Now());
            }
            catch (CancelRequestedException)
            {
                SetStatus("CANCELLING");
                await context.CallActivityAsync<int>(CleanupImportActivity.Name, new CleanupImportInput(spec.Project, assetKey, registered ? null : generation, spec.OperationId));
                return new ImportOutcome(false, (int)EeStatusCode.Cancelled, "The operation was cancelled.", Destination, _startTime, Now());
            }
            catch (TaskFailedException ex)
            {
                var (code, message) = ImportFailedException.Parse(ex.FailureDetails.ErrorType, ex.FailureDetails.ErrorMessage);
                await context.CallActivityAsync<int>(CleanupImportActivity.Name, new CleanupImportInput(spec.Project, assetKey, registered ? null : generation, spec.OperationId));
                return new ImportOutcome(false, code, message, Destination, _startTime, Now());
            }
        }

        /// <summary>Awaits one unit of a fan-out and counts it in its stage, so the Operation's progress moves as units finish.</summary>
        private async Task<T> Counted<T>(string stage, Task<T> unit)
        {
            var result = await unit;
            var index = _stages.FindIndex(s => s.DisplayName == stage);
            _stages[index] = _stages[index] with { CompleteWorkUnits = _stages[index].CompleteWorkUnits + 1 };
            SetStatus("RUNNING");
            return result;
        }

        private DateTimeOffset Now() => new(context.CurrentUtcDateTime, TimeSpan.Zero);


        private void Stage(string name, long total, string description)
        {
            _stages.Add(new ImportStage(name, 0, total, description));
            SetStatus("RUNNING");
        }

        private void Complete(string name)
        {
            var index = _stages.FindIndex(s => s.DisplayName == name);
            _stages[index] = _stages[index] with { CompleteWorkUnits = _stages[index].TotalWorkUnits };
            SetStatus("RUNNING");
        }

        private void SetStatus(string state)
        {
            // Weights of the stages in the overall progress (Compute, then Write or Pyramid).
            double[] weights = [0.8, 0.2];
            var progress = 0.0;
            for (var i = 0; i < _stages.Count && i < weights.Length; i++)
            {
                var s = _stages[i];
                progress += weights[i] * (s.TotalWorkUnits == 0 ? 1 : (double)s.CompleteWorkUnits / s.TotalWorkUnits);
            }

            context.SetCustomStatus(new ImportProgress(state, Math.Round(Math.Min(1, progress), 4), [.. _stages], _startTime, _generation));
        }
    }
}
