using System.Text.Json;
using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.App.EarthEngine.Export;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Models;
using EeFunctions.Raster.Reading;

namespace EeFunctions.App.Http;

/// <summary>The encoded pixels of a computation and their MIME type.</summary>
internal sealed record EncodedPixels(byte[] Bytes, string ContentType);

/// <summary>
/// Renders an expression synchronously (computePixels, thumbnails): the bands asked for, on the request's grid or the
/// image's own, within getPixels' limits, visualized and encoded as getPixels does.
/// </summary>
internal static class ComputedPixels
{
    public static async Task<EncodedPixels> RenderAsync(JsonElement? expression, ImageFileFormat? fileFormat, PixelGrid? requestGrid, IReadOnlyList<string>? bandIds, VisualizationOptions? visualizationOptions, IImageAssets assets, long maxBytes, CancellationToken cancellationToken)
    {
        var format = GetPixelsOptions.Format(fileFormat);
        var image = await ExpressionEvaluator.Parse(expression, new ComputeContext(assets, cancellationToken)).EvaluateImageAsync();
        if (bandIds is { Count: > 0 })
        {
            image = image with
            {
                Bands = [.. bandIds.Select(id => image.Bands.FirstOrDefault(b => b.Name == id)
                    ?? throw new EarthEngineException(EeStatusCode.InvalidArgument, $"bandIds: band '{id}' does not exist in the image (bands: {string.Join(", ", image.BandNames)})."))],
            };
        }

        if (image.Bands.Count > GetPixelsOptions.MaxBands)
        {
            GetPixelsOptions.CheckLimits(1, 1, image.Bands.Count, EeFunctions.Raster.RasterDataType.Byte, long.MaxValue);
        }

        var type = ExportGrid.CommonType(image);
        var visualization = GetPixelsOptions.Visualization(visualizationOptions, image.Bands.Count);
        GetPixelsOptions.CheckImageBands(format, image.Bands.Count, type, visualization);
        var grid = ExportGrid.Of(image, requestGrid, long.MaxValue);
        GetPixelsOptions.CheckLimits(grid.Width, grid.Height, image.Bands.Count, type, maxBytes);
        var pixels = await ImageRenderer.RenderAsync(image, grid, type, 0, cancellationToken);
        IReadOnlyList<string> names = image.BandNames;
        if (visualization is not null)
        {
            pixels = PixelVisualizer.Visualize(pixels, visualization);
            names = PixelVisualizer.BandNames(pixels.BandCount);
        }

        // AUTO_JPEG_PNG: JPEG is smaller, but only PNG can say (with alpha) which pixels are masked.
        var chosen = format ?? (RasterEncoder.HasMaskedPixels(pixels) ? RasterFormat.Png : RasterFormat.Jpeg);
        return new EncodedPixels(RasterEncoder.Encode(pixels, grid, names, new EncodeOptions { Format = chosen }), RasterEncoder.ContentType(chosen));
    }
}
