using DurableTask.Core;
using DurableTask.Core.Middleware;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;

namespace EeFunctions.DurableTask;

/// <summary>
/// A registry orchestrator as DTFx runs it, created once its instance is known: DTFx asks for an orchestration by name
/// only, but the SDK's shim takes the parent instance at creation (it becomes <c>TaskOrchestrationContext.Parent</c>
/// of a sub-orchestration). <see cref="SetParentAsync"/>, an orchestration middleware, reads the parent from the
/// runtime state before the episode runs, as Durable Functions' own middleware does.
/// </summary>
internal sealed class ParentAwareOrchestration(string name, ITaskOrchestrator orchestrator, DurableTaskShimFactory shims) : TaskOrchestration
{
    private TaskOrchestration? _shim;
    private ParentOrchestrationInstance? _parent;

    /// <summary>The middleware: hands the episode's parent (if any) to the orchestration about to run.</summary>
    public static Task SetParentAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetProperty<TaskOrchestration>() is ParentAwareOrchestration orchestration
            && context.GetProperty<OrchestrationRuntimeState>()?.ParentInstance is { } parent)
        {
            orchestration._parent = new ParentOrchestrationInstance(new TaskName(parent.Name), parent.OrchestrationInstance.InstanceId);
        }

        return next();
    }

    public override Task<string> Execute(OrchestrationContext context, string input) => Shim.Execute(context, input);

    public override string GetStatus() => Shim.GetStatus();

    public override void RaiseEvent(OrchestrationContext context, string name, string input) => Shim.RaiseEvent(context, name, input);

    private TaskOrchestration Shim => _shim ??= shims.CreateOrchestration(new TaskName(name), orchestrator, _parent);
}
