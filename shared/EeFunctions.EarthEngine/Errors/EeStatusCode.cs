namespace EeFunctions.EarthEngine.Errors;

/// <summary>The canonical <c>google.rpc.Code</c> values.</summary>
public enum EeStatusCode
{
    Ok = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

/// <summary>The canonical status ↔ HTTP mapping and the status names Google's envelope carries.</summary>
public static class EeStatusCodes
{
    public static int HttpStatus(this EeStatusCode code) => code switch
    {
        EeStatusCode.Ok => 200,
        EeStatusCode.Cancelled => 499,
        EeStatusCode.InvalidArgument or EeStatusCode.FailedPrecondition or EeStatusCode.OutOfRange => 400,
        EeStatusCode.DeadlineExceeded => 504,
        EeStatusCode.NotFound => 404,
        EeStatusCode.AlreadyExists or EeStatusCode.Aborted => 409,
        EeStatusCode.PermissionDenied => 403,
        EeStatusCode.ResourceExhausted => 429,
        EeStatusCode.Unimplemented => 501,
        EeStatusCode.Unavailable => 503,
        EeStatusCode.Unauthenticated => 401,
        _ => 500,
    };

    /// <summary><c>INVALID_ARGUMENT</c>, <c>NOT_FOUND</c>, ...</summary>
    public static string StatusName(this EeStatusCode code) => code switch
    {
        EeStatusCode.Ok => "OK",
        EeStatusCode.Cancelled => "CANCELLED",
        EeStatusCode.Unknown => "UNKNOWN",
        EeStatusCode.InvalidArgument => "INVALID_ARGUMENT",
        EeStatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        EeStatusCode.NotFound => "NOT_FOUND",
        EeStatusCode.AlreadyExists => "ALREADY_EXISTS",
        EeStatusCode.PermissionDenied => "PERMISSION_DENIED",
        EeStatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        EeStatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        EeStatusCode.Aborted => "ABORTED",
        EeStatusCode.OutOfRange => "OUT_OF_RANGE",
        EeStatusCode.Unimplemented => "UNIMPLEMENTED",
        EeStatusCode.Internal => "INTERNAL",
        EeStatusCode.Unavailable => "UNAVAILABLE",
        EeStatusCode.DataLoss => "DATA_LOSS",
        EeStatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    };
}
