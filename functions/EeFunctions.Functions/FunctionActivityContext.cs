using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace EeFunctions.Functions;

/// <summary>The activity's name and orchestration instance, as the shared activities read them, from a Functions invocation.</summary>
internal sealed class FunctionActivityContext(TaskName name, FunctionContext function) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } =
        function.BindingContext.BindingData.TryGetValue("instanceId", out var id) && id is not null ? id.ToString()! : string.Empty;
}
