using System.Text.Json.Nodes;

namespace EeFunctions.App.ImportApi;

/// <summary>A photo's facts from its header: format, stored size, upright size, orientation, EXIF and GPS.</summary>
public sealed record PhotoFacts(
    string Format,
    string ContentType,
    long Bytes,
    int StoredWidth,
    int StoredHeight,
    int Width,
    int Height,
    int Rotation,
    bool Mirrored,
    string ExifsJson,
    string? GpsJson,
    string ETag);

/// <summary>One stored thumbnail: the long side it was asked for and what it is.</summary>
public sealed record ThumbnailFacts(int Size, string Blob, string ContentType, int Width, int Height, long Bytes);

/// <summary>An imported image as the Images table keeps it and the API answers it.</summary>
public sealed record ImageRecord
{
    public required string Id { get; init; }

    public required string AlbumId { get; init; }

    public required string ImportId { get; init; }

    public required string OrganizationId { get; init; }

    public required string Filename { get; init; }

    public required PhotoFacts Photo { get; init; }

    public required IReadOnlyList<ThumbnailFacts> Thumbnails { get; init; }

    public required string MetadataJson { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["public_id"] = Id,
            ["album_id"] = AlbumId,
            ["import_id"] = ImportId,
            ["filename"] = Filename,
            ["width"] = Photo.Width,
            ["height"] = Photo.Height,
            ["rotation"] = Photo.Rotation,
            ["infos"] = new JsonObject
            {
                ["bytes"] = Photo.Bytes,
                ["format"] = Photo.Format,
                ["width"] = Photo.Width,
                ["height"] = Photo.Height,
                ["etag"] = Photo.ETag,
                ["created_at"] = ImportRecord.Timestamp(CreatedAt),
            },
            ["exifs"] = JsonNode.Parse(Photo.ExifsJson),
            ["metadata"] = JsonNode.Parse(MetadataJson),
            ["thumbnails"] = new JsonObject(Thumbnails.Select(t => KeyValuePair.Create(
                t.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                (JsonNode?)new JsonObject { ["width"] = t.Width, ["height"] = t.Height, ["content_type"] = t.ContentType, ["bytes"] = t.Bytes }))),
            ["created_at"] = ImportRecord.Timestamp(CreatedAt),
        };
        if (Photo.GpsJson is not null)
        {
            json["gps"] = JsonNode.Parse(Photo.GpsJson);
        }

        return json;
    }
}
