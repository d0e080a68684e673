namespace EeFunctions.Durable;

/// <summary>
/// A failure that crossed a durable boundary (an activity, a sub-orchestration or an orchestrator), carried as data so that it
/// survives serialization into history and queues.
/// </summary>
/// <param name="ErrorType">The full name of the exception type that caused the failure.</param>
/// <param name="ErrorMessage">The exception message.</param>
/// <param name="StackTrace">The stack trace, when there was one.</param>
/// <param name="InnerFailure">The failure that caused this one, if any.</param>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace = null, TaskFailureDetails? InnerFailure = null)
{
    /// <summary>Whether this failure was caused by an exception of type <typeparamref name="T"/> (or a subtype, when the type can be resolved).</summary>
    public bool IsCausedBy<T>()
        where T : Exception
    {
        if (string.Equals(ErrorType, typeof(T).FullName, StringComparison.Ordinal))
        {
            return true;
        }

        var type = Type.GetType(ErrorType, throwOnError: false);
        return type is not null && typeof(T).IsAssignableFrom(type);
    }

    /// <summary>Captures an exception. A <see cref="TaskFailedException"/> keeps the failure it carries as the inner failure.</summary>
    public static TaskFailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception switch
        {
            TaskFailedException failed => failed.FailureDetails,
            { InnerException: { } innerException } => FromException(innerException),
            _ => null,
        };
        return new TaskFailureDetails(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.StackTrace, inner);
    }

    /// <inheritdoc />
    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}
