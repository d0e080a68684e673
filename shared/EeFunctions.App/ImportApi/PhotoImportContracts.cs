namespace EeFunctions.App.ImportApi;

/// <summary>What the photo import orchestration is started with (the download headers sealed, never in the clear).</summary>
public sealed record PhotoImportInput(string ImportId, string ImageId, string AlbumId, string OrganizationId, string Url, string Filename, string? SealedHeaders, string MetadataJson);

/// <summary>What Fetch needs: the photo's source, and the long side of the working copy the thumbnails are made from.</summary>
public sealed record FetchPhotoInput(string ImportId, string ImageId, string Url, string? SealedHeaders, int WorkingSize);

/// <summary>What Fetch stored: the original (its facts) and the working copy the thumbnails come from.</summary>
public sealed record FetchedPhoto(PhotoFacts Photo, WorkingCopyFacts WorkingCopy);

/// <summary>One thumbnail to store from the image's working copy.</summary>
public sealed record PhotoThumbnailInput(string ImageId, int Size, WorkingCopyFacts WorkingCopy);

public sealed record RegisterPhotoInput(PhotoImportInput Import, PhotoFacts Photo, IReadOnlyList<ThumbnailFacts> Thumbnails, DateTimeOffset CreatedAt);

public sealed record FailPhotoImportInput(string ImportId, string ImageId, string OrganizationId, string AlbumId, DateTimeOffset CreatedAt, string Error);

/// <summary>How an import ended: its status and, when it failed, why.</summary>
public sealed record PhotoImportOutcome(string Status, string? ImageId, string? Error);
