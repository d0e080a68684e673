using System.Text.Json;
using System.Text.Json.Serialization;

namespace EeFunctions.EarthEngine.Models;

/// <summary>A long-running operation.</summary>
public sealed class Operation
{
    /// <summary><c>projects/{project}/operations/{id}</c>.</summary>
    public string? Name { get; init; }

    public OperationMetadata? Metadata { get; init; }

    public bool Done { get; init; }

    public Status? Error { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Response { get; init; }
}

/// <summary>What clients read of an operation (sent as an <c>Any</c> with its <c>@type</c>).</summary>
public sealed class OperationMetadata
{
    public const string TypeUrl = "type.googleapis.com/google.earthengine.v1.OperationMetadata";

    [JsonPropertyName("@type")]
    public string AnyType { get; init; } = TypeUrl;

    public OperationState State { get; init; }

    public string? Description { get; init; }

    /// <summary><c>INGEST_IMAGE</c>, <c>EXPORT_IMAGE</c>, ... (a string, not an enum).</summary>
    public string? Type { get; init; }

    public int? Priority { get; init; }

    public DateTimeOffset? CreateTime { get; init; }

    public DateTimeOffset? UpdateTime { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    public double? Progress { get; init; }

    public IReadOnlyList<OperationStage>? Stages { get; init; }

    public int? Attempt { get; init; }

    public IReadOnlyList<string>? DestinationUris { get; init; }

    public double? BatchEecuUsageSeconds { get; init; }
}

/// <summary>One stage of an operation and its progress.</summary>
public sealed class OperationStage
{
    public string? DisplayName { get; init; }

    public long? CompleteWorkUnits { get; init; }

    public long? TotalWorkUnits { get; init; }

    public string? Description { get; init; }
}

/// <summary><c>google.rpc.Status</c>.</summary>
public sealed class Status
{
    public int Code { get; init; }

    public string? Message { get; init; }

    public IReadOnlyList<JsonElement>? Details { get; init; }
}

/// <summary>A page of operations.</summary>
public sealed class ListOperationsResponse
{
    public IReadOnlyList<Operation>? Operations { get; init; }

    public string? NextPageToken { get; init; }
}
