using Microsoft.DurableTask;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Orchestrations;

namespace EeFunctions.App.Activities;

/// <summary>Inspects one tileset of an import (one unit of the Inspect fan-out); see <see cref="TilesetInspector"/>.</summary>
[DurableTask(Name)]
public sealed class InspectTilesetActivity(TilesetInspector inspector, IHostApplicationLifetime lifetime) : TaskActivity<InspectTilesetInput, TilesetPlan>
{
    public const string Name = "EeImport_Inspect";

    public override Task<TilesetPlan> RunAsync(TaskActivityContext context, InspectTilesetInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return inspector.InspectAsync(input.Spec, input.TilesetIndex, lifetime.ApplicationStopping);
    }
}
