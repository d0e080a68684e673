namespace EeFunctions.App.EarthEngine;

/// <summary>
/// Where an external image's tileset is read from: its COG (with the ETag pinned at registration, so a replaced
/// object fails reads as EE's recorded generation does) and, when the manifest overrides no-data, the VRT over it.
/// </summary>
public sealed record ExternalPixels(IReadOnlyList<SourceLocation> Sources, string? VrtTemplate);
