using System.Globalization;
using System.Text.Json.Nodes;

namespace EeFunctions.App.ImportApi;

/// <summary>The states of an import, as <c>status</c> says them.</summary>
public static class ImportStatus
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>
/// One import as the Imports table keeps it. <see cref="SealedHeaders"/> holds the request's <c>headers[...]</c>
/// sealed with <see cref="ImportApiOptions.HeaderKey"/>; <see cref="Params"/> echoes the request with their values redacted.
/// </summary>
public sealed record ImportRecord
{
    public required string Id { get; init; }

    public required string ClientId { get; init; }

    public required string OrganizationId { get; init; }

    public required string AlbumId { get; init; }

    public required string Url { get; init; }

    public required string Filename { get; init; }

    public required JsonObject Params { get; init; }

    public required string MetadataJson { get; init; }

    public string? SealedHeaders { get; init; }

    public string? ImageId { get; init; }

    public string? ImportType { get; init; }

    public string Status { get; init; } = ImportStatus.Pending;

    public string? Error { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The import as the API answers it; the create answer has no <c>status</c> (the seed's shape).</summary>
    public JsonObject ToJson(bool withStatus)
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["organization_id"] = OrganizationId,
            ["image_id"] = ImageId,
            ["import_type"] = ImportType,
            ["album_id"] = AlbumId,
            ["params"] = Params.DeepClone(),
            ["created_at"] = Timestamp(CreatedAt),
            ["updated_at"] = Timestamp(UpdatedAt),
        };
        if (withStatus)
        {
            json["status"] = Status;
            if (Error is not null)
            {
                json["error"] = Error;
            }
        }

        return json;
    }

    /// <summary>As the seed writes times: milliseconds and the offset (<c>2019-04-08T19:38:57.714+02:00</c>).</summary>
    public static string Timestamp(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
