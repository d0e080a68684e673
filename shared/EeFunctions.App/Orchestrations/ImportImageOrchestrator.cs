using Microsoft.DurableTask;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Names;
using EeFunctions.App.Activities;
using EeFunctions.App.EarthEngine;

namespace EeFunctions.App.Orchestrations;

/// <summary>
/// <c>image:import</c>: Inspect (per tileset) → Tile (fan-out over row batches) → Pyramid (fan-out per level) →
/// Register → remove staging (and, after a grace period, the generation an overwrite replaced). Progress goes to the custom status. A <c>cancel</c> event is cooperative: nothing new is
/// scheduled, in-flight activities drain, this generation's tiles and the staging blobs are removed, and the outcome
/// is CANCELLED (code 1). Failures end the same way with the failing source or band named.
/// </summary>
[DurableTask(Name)]
public sealed class ImportImageOrchestrator : TaskOrchestrator<ImportSpec, ImportOutcome>
{
    public const string Name = "EeImportImage";
    public const string CancelEvent = CooperativeCancel.EventName;

    public override async Task<ImportOutcome> RunAsync(TaskOrchestrationContext context, ImportSpec input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var spec = input;
        var outcome = await new Run(context, spec).ExecuteAsync();
        if (spec.ResultBlob is { } resultBlob)
        {
            await context.CallActivityAsync<bool>(WriteImportResultActivity.Name, new WriteImportResultInput(resultBlob, EeNames.OperationName(spec.Project, spec.OperationId), outcome));
        }

        return outcome;
    }

    private sealed class Run(TaskOrchestrationContext context, ImportSpec spec)
    {
        private CooperativeCancel _steps = null!;
        private readonly string _assetKey = EeStorage.AssetKey(spec.AssetPath);
        private readonly long _generation = context.CurrentUtcDateTime.Ticks;
        private readonly DateTimeOffset _startTime = new(context.CurrentUtcDateTime, TimeSpan.Zero);
        private readonly List<ImportStage> _stages = [];
        private bool _registered;

        private string AssetName => EeNames.AssetName(spec.Project, spec.AssetPath);

        public async Task<ImportOutcome> ExecuteAsync()
        {
            _steps = new CooperativeCancel(context, () => SetStatus("CANCELLING"));
            try
            {
                Stage("Inspect", 0, spec.Tilesets.Count, "Reading the sources' metadata");
                var plans = await _steps.Step(Task.WhenAll(spec.Tilesets.Select((_, i) => context.CallActivityAsync<TilesetPlan>(InspectTilesetActivity.Name, new InspectTilesetInput(spec, i)))));
                Complete("Inspect");

                var tileUnits = new List<TileRowsInput>();
                foreach (var plan in plans)
                {
                    var rows = plan.Layout.Rows(0);
                    for (var first = 0; first < rows; first += spec.TileRowsPerActivity)
                    {
                        tileUnits.Add(new TileRowsInput(spec.Project, _assetKey, _generation, plan, first, Math.Min(spec.TileRowsPerActivity, rows - first)));
                    }
                }

                Stage("Tile", 0, tileUnits.Count, "Cutting level-0 tiles");
                await _steps.Step(Task.WhenAll(tileUnits.Select(u => context.CallActivityAsync<long>(TileRowsActivity.Name, u))));
                Complete("Tile");

                var levels = plans.Max(p => p.Layout.LevelCount);
                Stage("Pyramid", 0, Math.Max(0, levels - 1), "Building pyramid levels");
                for (var level = 1; level < levels; level++)
                {
                    var units = new List<BuildParentsInput>();
                    foreach (var plan in plans.Where(p => level < p.Layout.LevelCount))
                    {
                        var count = plan.Layout.Rows(level) * plan.Layout.Columns(level);
                        for (var first = 0; first < count; first += spec.ParentsPerActivity)
                        {
                            units.Add(new BuildParentsInput(spec.Project, _assetKey, _generation, plan, level, first, Math.Min(spec.ParentsPerActivity, count - first)));
                        }
                    }

                    await _steps.Step(Task.WhenAll(units.Select(u => context.CallActivityAsync<long>(BuildParentsActivity.Name, u))));
                    Progress("Pyramid", level);
                }

                Complete("Pyramid");
                Stage("Register", 0, 1, "Registering the asset");
                var replaced = await _steps.Step(context.CallActivityAsync<long>(RegisterImageActivity.Name, new RegisterImageInput(spec, _generation, plans)));
                _registered = true;
                Complete("Register");
                await context.CallActivityAsync<int>(CleanupImportActivity.Name, new CleanupImportInput(spec.Project, _assetKey, null, spec.OperationId));
                if (replaced >= 0)
                {
                    // Not now: a read that found the old row may still be fetching its tiles.
                    var leftovers = new ImportLeftoversInput(spec.Project, _assetKey, replaced, spec.OperationId, spec.ReplacedTilesGrace);
                    await context.CallActivityAsync<bool>(ScheduleLeftoversCleanupActivity.Name, new ScheduleLeftoversInput(ImportLeftoversOrchestrator.AfterOverwrite(spec.Project, _assetKey, replaced), leftovers));
                }

                return new ImportOutcome(true, 0, null, AssetName, _startTime, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
            }
            catch (CancelRequestedException)
            {
                SetStatus("CANCELLING");
                await CleanupAsync();
                return new ImportOutcome(false, (int)EeStatusCode.Cancelled, "The operation was cancelled.", AssetName, _startTime, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
            }
            catch (TaskFailedException ex)
            {
                var (code, message) = ImportFailedException.Parse(ex.FailureDetails.ErrorType, ex.FailureDetails.ErrorMessage);
                await CleanupAsync();
                return new ImportOutcome(false, code, message, AssetName, _startTime, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
            }
        }

        /// <summary>Removes staging and, unless the asset was registered with them, this import's tiles.</summary>
        private async Task CleanupAsync() =>
            await context.CallActivityAsync<int>(CleanupImportActivity.Name, new CleanupImportInput(spec.Project, _assetKey, _registered ? null : _generation, spec.OperationId));


        private void Stage(string name, long done, long total, string description)
        {
            _stages.Add(new ImportStage(name, done, total, description));
            SetStatus("RUNNING");
        }

        private void Progress(string name, long done)
        {
            var index = _stages.FindIndex(s => s.DisplayName == name);
            _stages[index] = _stages[index] with { CompleteWorkUnits = done };
            SetStatus("RUNNING");
        }

        private void Complete(string name)
        {
            var index = _stages.FindIndex(s => s.DisplayName == name);
            Progress(name, _stages[index].TotalWorkUnits);
        }

        private void SetStatus(string state)
        {
            // Weights of the four stages in the overall progress.
            double[] weights = [0.05, 0.6, 0.3, 0.05];
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
