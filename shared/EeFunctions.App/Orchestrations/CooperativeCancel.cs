using Microsoft.DurableTask;

namespace EeFunctions.App.Orchestrations;

/// <summary>
/// An operation's cooperative cancel: steps are awaited unless the <c>cancel</c> event arrives first; then the step's
/// activities are left to drain (nothing new is scheduled) and <see cref="CancelRequestedException"/> is thrown
/// for the orchestrator to clean up and end CANCELLED.
/// </summary>
internal sealed class CooperativeCancel(TaskOrchestrationContext context, Action onCancelling)
{
    /// <summary>The external event operations:cancel raises.</summary>
    public const string EventName = "cancel";

    private readonly Task<object?> _cancel = context.WaitForExternalEvent<object?>(EventName);

    public async Task<T> Step<T>(Task<T> work)
    {
        if (!_cancel.IsCompleted)
        {
            await Task.WhenAny(work, _cancel);
        }

        if (_cancel.IsCompleted)
        {
            onCancelling();
            try
            {
                await work;
            }
            catch (TaskFailedException)
            {
                // Draining: a failure after the cancel does not matter any more.
            }

            throw new CancelRequestedException();
        }

        return await work;
    }
}

/// <summary>A cancel took effect in an orchestration.</summary>
internal sealed class CancelRequestedException : Exception
{
    public CancelRequestedException()
        : base("cancelled")
    {
    }

    public CancelRequestedException(string message)
        : base(message)
    {
    }

    public CancelRequestedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
