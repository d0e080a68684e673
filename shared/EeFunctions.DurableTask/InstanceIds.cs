namespace EeFunctions.DurableTask;

/// <summary>Durable Functions' instance id rules, checked before anything is written.</summary>
public static class InstanceIds
{
    /// <summary>The problem with <paramref name="id"/>, or null when it is a valid instance id.</summary>
    public static string? Problem(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length == 0 ? "Instance IDs must not be empty."
            : id.Length > 256 ? "Instance ID lengths must not exceed 256 characters."
            : id.StartsWith('@') ? "Instance IDs must not start with @."
            : id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)) ? $"Instance ID '{id}' contains invalid characters."
            : null;
    }

    /// <exception cref="ArgumentException">The id breaks a rule.</exception>
    public static void Validate(string id)
    {
        if (Problem(id) is { } problem)
        {
            throw new ArgumentException(problem, nameof(id));
        }
    }
}
