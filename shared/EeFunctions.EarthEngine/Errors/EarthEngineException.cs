using System.Text.Json.Serialization;
using EeFunctions.EarthEngine.Json;

namespace EeFunctions.EarthEngine.Errors;

/// <summary>An Earth Engine API error: a canonical code and a developer-facing message.</summary>
public sealed class EarthEngineException : Exception
{
    public EarthEngineException(EeStatusCode code, string message)
        : base(message) => Code = code;

    public EarthEngineException(EeStatusCode code, string message, Exception innerException)
        : base(message, innerException) => Code = code;

    public EarthEngineException()
        : this(EeStatusCode.Unknown, "Unknown error.")
    {
    }

    public EarthEngineException(string message)
        : this(EeStatusCode.Unknown, message)
    {
    }

    public EarthEngineException(string message, Exception innerException)
        : this(EeStatusCode.Unknown, message, innerException)
    {
    }

    public EeStatusCode Code { get; }

    public int HttpStatus => Code.HttpStatus();

    /// <summary>The body Google's front end sends: <c>{"error":{"code","message","status","details"}}</c>.</summary>
    public ErrorEnvelope ToEnvelope() => ErrorEnvelope.From(Code, Message);
}

/// <summary>Google's error envelope.</summary>
public sealed class ErrorEnvelope
{
    [JsonPropertyName("error")]
    public required ErrorBody Error { get; init; }

    public static ErrorEnvelope From(EeStatusCode code, string message) => new()
    {
        Error = new ErrorBody { Code = code.HttpStatus(), Message = message, Status = code.StatusName() },
    };

    public string ToJson() => EeJson.Serialize(this);
}

/// <summary>The inside of the envelope: HTTP code, message, canonical status name, details.</summary>
public sealed class ErrorBody
{
    public int Code { get; init; }

    public required string Message { get; init; }

    public required string Status { get; init; }

    public IReadOnlyList<object> Details { get; init; } = [];
}
