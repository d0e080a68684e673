using System.Text.Json;
using EeFunctions.EarthEngine.Errors;

namespace EeFunctions.EarthEngine.Tests;

public sealed class ErrorEnvelopeTests
{
    [Theory]
    [InlineData(EeStatusCode.Cancelled, 499, "CANCELLED")]
    [InlineData(EeStatusCode.Unknown, 500, "UNKNOWN")]
    [InlineData(EeStatusCode.InvalidArgument, 400, "INVALID_ARGUMENT")]
    [InlineData(EeStatusCode.DeadlineExceeded, 504, "DEADLINE_EXCEEDED")]
    [InlineData(EeStatusCode.NotFound, 404, "NOT_FOUND")]
    [InlineData(EeStatusCode.AlreadyExists, 409, "ALREADY_EXISTS")]
    [InlineData(EeStatusCode.PermissionDenied, 403, "PERMISSION_DENIED")]
    [InlineData(EeStatusCode.ResourceExhausted, 429, "RESOURCE_EXHAUSTED")]
    [InlineData(EeStatusCode.FailedPrecondition, 400, "FAILED_PRECONDITION")]
    [InlineData(EeStatusCode.Aborted, 409, "ABORTED")]
    [InlineData(EeStatusCode.OutOfRange, 400, "OUT_OF_RANGE")]
    [InlineData(EeStatusCode.Unimplemented, 501, "UNIMPLEMENTED")]
    [InlineData(EeStatusCode.Internal, 500, "INTERNAL")]
    [InlineData(EeStatusCode.Unavailable, 503, "UNAVAILABLE")]
    [InlineData(EeStatusCode.DataLoss, 500, "DATA_LOSS")]
    [InlineData(EeStatusCode.Unauthenticated, 401, "UNAUTHENTICATED")]
    public void Canonical_codes_map_to_http_status_and_name(EeStatusCode code, int http, string name)
    {
        var envelope = new EarthEngineException(code, "boom").ToEnvelope();

        using var json = JsonDocument.Parse(envelope.ToJson());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(http, error.GetProperty("code").GetInt32());
        Assert.Equal(name, error.GetProperty("status").GetString());
        Assert.Equal("boom", error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Array, error.GetProperty("details").ValueKind);
    }
}
