namespace EeFunctions.App.ImportApi;

/// <summary>What the photo import orchestration is started with (the download headers sealed, never in the clear).</summary>
public sealed record PhotoImportInput(string ImportId, string ImageId, string AlbumId, string OrganizationId, string Url, string Filename, string? SealedHeaders, string MetadataJson);

public sealed record FetchPhotoInput(string ImportId, string ImageId, string Url, string? SealedHeaders, IReadOnlyList<int> ThumbnailSizes);

/// <summary>What Fetch stored: the photo's facts and its thumbnails.</summary>
public sealed record FetchedPhoto(PhotoFacts Photo, IReadOnlyList<ThumbnailFacts> Thumbnails);

public sealed record RegisterPhotoInput(PhotoImportInput Import, PhotoFacts Photo, IReadOnlyList<ThumbnailFacts> Thumbnails, DateTimeOffset CreatedAt);

public sealed record FailPhotoImportInput(string ImportId, string ImageId, string OrganizationId, string AlbumId, DateTimeOffset CreatedAt, string Error);

/// <summary>How an import ended: its status and, when it failed, why.</summary>
public sealed record PhotoImportOutcome(string Status, string? ImageId, string? Error);
