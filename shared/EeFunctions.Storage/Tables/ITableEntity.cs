using Azure;

namespace EeFunctions.Storage.Tables;

/// <summary>An entity's system properties (as Azure.Data.Tables.ITableEntity). Implement it on your own classes, or use <see cref="TableEntity"/>.</summary>
public interface ITableEntity
{
    string PartitionKey { get; set; }

    string RowKey { get; set; }

    /// <summary>Set by the service on every write; ignored when writing.</summary>
    DateTimeOffset? Timestamp { get; set; }

    /// <summary>The entity's version, for optimistic concurrency (<c>If-Match</c>).</summary>
    ETag ETag { get; set; }
}
