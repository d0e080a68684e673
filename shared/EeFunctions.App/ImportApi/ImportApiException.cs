using System.Text.Json.Nodes;

namespace EeFunctions.App.ImportApi;

/// <summary>An Import API error: its HTTP status and the body <c>{"error": {"code": "...", "message": "..."}}</c>.</summary>
public sealed class ImportApiException : Exception
{
    public ImportApiException(int status, string code, string message)
        : base(message)
    {
        Status = status;
        Code = code;
    }

    public ImportApiException()
        : this(500, "internal_error", "Internal error.")
    {
    }

    public ImportApiException(string message)
        : this(500, "internal_error", message)
    {
    }

    public ImportApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 500;
        Code = "internal_error";
    }

    public int Status { get; }

    public string Code { get; }

    public string ToJson() => new JsonObject { ["error"] = new JsonObject { ["code"] = Code, ["message"] = Message } }.ToJsonString(ImportApiResponse.Json);

    public static ImportApiException Unauthorized(string message) => new(401, "unauthorized", message);

    public static ImportApiException Forbidden(string message) => new(403, "forbidden", message);

    public static ImportApiException NotFound(string message) => new(404, "not_found", message);

    public static ImportApiException Unprocessable(string code, string message) => new(422, code, message);
}
