namespace EeFunctions.Durable;

/// <summary>The rules for instance ids: at most 256 characters, no <c>/ \ # ?</c> or control characters, not starting with <c>@</c>.</summary>
public static class InstanceIdValidator
{
    /// <summary>The longest allowed instance id.</summary>
    public const int MaxLength = 256;

    /// <summary>Returns null when <paramref name="instanceId"/> is valid, otherwise why it is not.</summary>
    public static string? GetError(string? instanceId)
    {
        if (string.IsNullOrEmpty(instanceId))
        {
            return "The instance id must not be empty.";
        }

        if (instanceId.Length > MaxLength)
        {
            return $"The instance id is {instanceId.Length} characters long; the limit is {MaxLength}.";
        }

        if (instanceId[0] == '@')
        {
            return $"The instance id '{instanceId}' must not start with '@' (reserved for entities).";
        }

        foreach (var c in instanceId)
        {
            if (c is '/' or '\\' or '#' or '?')
            {
                return $"The instance id '{instanceId}' must not contain '{c}'.";
            }

            if (char.IsControl(c))
            {
                return $"The instance id must not contain control characters (found U+{(int)c:X4}).";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with a clear message when <paramref name="instanceId"/> is invalid.</summary>
    public static void Validate(string? instanceId, string paramName = "instanceId")
    {
        if (GetError(instanceId) is { } error)
        {
            throw new ArgumentException(error, paramName);
        }
    }
}
