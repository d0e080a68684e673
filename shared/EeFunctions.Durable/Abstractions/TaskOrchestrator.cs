namespace EeFunctions.Durable;

/// <summary>An orchestrator in untyped form, as the engine invokes it.</summary>
public interface ITaskOrchestrator
{
    /// <summary>The type the serialized input is deserialized to.</summary>
    Type InputType { get; }

    /// <summary>The type of the result.</summary>
    Type OutputType { get; }

    /// <summary>Runs the orchestrator. It is replayed: it must be deterministic and await only the context's tasks.</summary>
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>
/// Base class of orchestrators. <see cref="RunAsync(TaskOrchestrationContext, TInput)"/> is re-executed from the start whenever
/// the instance resumes on a worker that has not cached it, so it must be deterministic: use
/// <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/> and <see cref="TaskOrchestrationContext.NewGuid"/> instead of the
/// clock and <see cref="Guid.NewGuid"/>, do no I/O, and await only tasks of the context (no <c>Task.Delay</c>, <c>Task.Run</c>
/// or <c>ConfigureAwait(false)</c>).
/// </summary>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <inheritdoc />
    public Type OutputType => typeof(TOutput);

    /// <summary>The orchestration logic.</summary>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}

/// <summary>An activity in untyped form, as the engine invokes it.</summary>
public interface ITaskActivity
{
    /// <summary>The type the serialized input is deserialized to.</summary>
    Type InputType { get; }

    /// <summary>The type of the result.</summary>
    Type OutputType { get; }

    /// <summary>Runs the activity.</summary>
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}

/// <summary>
/// Base class of activities: the units of real work (I/O allowed). Activities run at least once: a worker that dies mid-activity
/// makes the activity run again elsewhere, so they must be idempotent.
/// </summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <inheritdoc />
    public Type OutputType => typeof(TOutput);

    /// <summary>The activity logic.</summary>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}

/// <summary>What an activity knows about its invocation.</summary>
public abstract class TaskActivityContext
{
    /// <summary>The activity name.</summary>
    public abstract string Name { get; }

    /// <summary>The orchestration instance that scheduled it.</summary>
    public abstract string InstanceId { get; }

    /// <summary>Cancelled when the worker shuts down before the activity finishes; the activity is then redelivered.</summary>
    public abstract CancellationToken CancellationToken { get; }
}

/// <summary>Names an orchestrator or activity class in the registry; without it the class name is used.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DurableTaskAttribute : Attribute
{
    /// <summary>Names the task.</summary>
    public DurableTaskAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The registered name.</summary>
    public string Name { get; }
}
