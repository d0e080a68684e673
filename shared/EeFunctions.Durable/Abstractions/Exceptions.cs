namespace EeFunctions.Durable;

/// <summary>Thrown at the await of an activity or sub-orchestration that failed. The cause travels as <see cref="FailureDetails"/>.</summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Creates the exception for task <paramref name="taskName"/> with sequence number <paramref name="taskId"/>.</summary>
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails?.ErrorMessage}")
    {
        ArgumentNullException.ThrowIfNull(failureDetails);
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    /// <summary>Creates an exception with a message only; prefer the main constructor.</summary>
    public TaskFailedException()
        : this("unknown", -1, new TaskFailureDetails(nameof(Exception), "unknown failure"))
    {
    }

    /// <summary>Creates an exception with a message only; prefer the main constructor.</summary>
    public TaskFailedException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with a message only; prefer the main constructor.</summary>
    public TaskFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        TaskName = "unknown";
        TaskId = -1;
        FailureDetails = innerException is null ? new TaskFailureDetails(nameof(Exception), message) : TaskFailureDetails.FromException(innerException);
    }

    /// <summary>The activity or orchestrator name.</summary>
    public string TaskName { get; }

    /// <summary>The task's sequence number in the orchestration.</summary>
    public int TaskId { get; }

    /// <summary>What went wrong, as recorded in history.</summary>
    public TaskFailureDetails FailureDetails { get; }
}

/// <summary>
/// A replay produced a different call than the one recorded in history at the same sequence number. The instance fails with
/// this error; it is not retried.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonDeterministicOrchestrationException()
    {
    }

    /// <summary>Creates the exception with a message naming the expected and the actual call.</summary>
    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NonDeterministicOrchestrationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A start was refused because an instance with the id exists in one of the start's dedupe statuses.</summary>
public sealed class OrchestrationAlreadyExistsException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="instanceId"/> found in <paramref name="existingStatus"/>.</summary>
    public OrchestrationAlreadyExistsException(string instanceId, OrchestrationRuntimeStatus existingStatus)
        : base($"An orchestration instance with the ID '{instanceId}' and status {existingStatus} already exists.")
    {
        InstanceId = instanceId;
        ExistingStatus = existingStatus;
    }

    /// <summary>Creates the exception.</summary>
    public OrchestrationAlreadyExistsException()
    {
        InstanceId = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public OrchestrationAlreadyExistsException(string message)
        : base(message)
    {
        InstanceId = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public OrchestrationAlreadyExistsException(string message, Exception? innerException)
        : base(message, innerException)
    {
        InstanceId = string.Empty;
    }

    /// <summary>The instance id that already exists.</summary>
    public string InstanceId { get; }

    /// <summary>The status of the existing instance.</summary>
    public OrchestrationRuntimeStatus ExistingStatus { get; }
}
