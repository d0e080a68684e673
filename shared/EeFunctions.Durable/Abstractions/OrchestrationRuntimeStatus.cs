namespace EeFunctions.Durable;

/// <summary>The runtime status of an orchestration instance. Values match Durable Task's numbering.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>The orchestrator is running (or waiting for its next event).</summary>
    Running = 0,

    /// <summary>The orchestrator returned a result.</summary>
    Completed = 1,

    /// <summary>The orchestrator called <c>ContinueAsNew</c>; its next execution has not started yet.</summary>
    ContinuedAsNew = 2,

    /// <summary>The orchestrator failed with an unhandled exception.</summary>
    Failed = 3,

    /// <summary>The instance was terminated by a client.</summary>
    Terminated = 5,

    /// <summary>The instance was created but has not started running.</summary>
    Pending = 6,

    /// <summary>The instance was suspended by a client; events are buffered until it is resumed.</summary>
    Suspended = 7,
}

/// <summary>Helpers over <see cref="OrchestrationRuntimeStatus"/>.</summary>
public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>Whether the status is final: Completed, Failed or Terminated.</summary>
    public static bool IsTerminal(this OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
