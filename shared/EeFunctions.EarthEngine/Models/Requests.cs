namespace EeFunctions.EarthEngine.Models;

/// <summary>The body of <c>image:import</c>.</summary>
public sealed class ImportImageRequest
{
    public ImageManifest? ImageManifest { get; init; }

    public string? Description { get; init; }

    public bool? Overwrite { get; init; }

    public string? RequestId { get; init; }

    public ImportMode? Mode { get; init; }
}

/// <summary>The body of <c>image:importExternal</c>.</summary>
public sealed class ImportExternalImageRequest
{
    public ImageManifest? ImageManifest { get; init; }

    public bool? Overwrite { get; init; }
}

/// <summary>The body of <c>assets.getPixels</c>.</summary>
public sealed class GetPixelsRequest
{
    public ImageFileFormat? FileFormat { get; init; }

    public PixelGrid? Grid { get; init; }

    public System.Text.Json.JsonElement? Region { get; init; }

    public IReadOnlyList<string>? BandIds { get; init; }

    public VisualizationOptions? VisualizationOptions { get; init; }

    public string? WorkloadTag { get; init; }
}

/// <summary>How values map to 8-bit output.</summary>
public sealed class VisualizationOptions
{
    public IReadOnlyList<DoubleRange>? Ranges { get; init; }

    public IReadOnlyList<string>? PaletteColors { get; init; }

    public double? Gamma { get; init; }

    public double? Opacity { get; init; }
}

/// <summary>The body of <c>operations.wait</c>.</summary>
public sealed class WaitOperationRequest
{
    public TimeSpan? Timeout { get; init; }
}

/// <summary>The (empty) body of <c>operations.cancel</c>.</summary>
public sealed class CancelOperationRequest
{
}
