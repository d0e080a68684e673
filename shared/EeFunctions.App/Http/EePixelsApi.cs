using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.App.EarthEngine;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Http;

/// <summary>
/// getPixels: the request's grid (and region) read from the tile store at the best level, optionally visualized to
/// 8 bits, encoded as GeoTIFF (plain or zipped), PNG, JPEG, AUTO_JPEG_PNG or NPY.
/// </summary>
public sealed class EePixelsApi(EeAssetsApi assets, EeStorage storage, RasterReader reader, SourceResolver resolver, IOptions<EarthEngineOptions> options)
{
    internal async Task GetPixelsAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.AssetsGet);
        var request = await EeJson.DeserializeAsync<GetPixelsRequest>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);
        var found = await assets.FindAsync(call);
        var image = found.Image ?? throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Asset '{found.Asset.Name}' is a {found.Asset.Type}, not an image: it has no pixels.");
        var format = GetPixelsOptions.Format(request.FileFormat);
        var bandIds = request.BandIds is { Count: > 0 } ids ? ids : [.. image.Bands.Select(b => b.Id)];
        if (bandIds.Count > GetPixelsOptions.MaxBands)
        {
            GetPixelsOptions.CheckLimits(1, 1, bandIds.Count, RasterDataType.Byte, long.MaxValue);
        }

        var bands = bandIds.Select(id => image.Bands.FirstOrDefault(b => b.Id == id)
            ?? throw new EarthEngineException(EeStatusCode.InvalidArgument, $"bandIds: band '{id}' does not exist in '{found.Asset.Name}' (bands: {string.Join(", ", image.Bands.Select(b => b.Id))}).")).ToList();
        var tilesets = bands.Select(b => image.Tilesets.First(t => t.Id == b.TilesetId)).ToList();
        var type = tilesets[0].Layout.DataType;
        if (tilesets.Any(t => t.Layout.DataType != type))
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "bandIds: the requested bands have different pixel types; request them separately.");
        }

        var visualization = GetPixelsOptions.Visualization(request.VisualizationOptions, bands.Count);
        GetPixelsOptions.CheckImageBands(format, bands.Count, type, visualization);
        var grid = GetPixelsGrid.Of(request, tilesets[0], bands.Count, type, options.Value.MaxGetPixelsBytes);
        var pixels = await ReadBandsAsync(call, image, bands, grid);
        IReadOnlyList<string> names = bandIds;
        if (visualization is not null)
        {
            pixels = PixelVisualizer.Visualize(pixels, visualization);
            names = PixelVisualizer.BandNames(pixels.BandCount);
        }

        // AUTO_JPEG_PNG: JPEG is smaller, but only PNG can say (with alpha) which pixels are masked.
        var chosen = format ?? (RasterEncoder.HasMaskedPixels(pixels) ? RasterFormat.Png : RasterFormat.Jpeg);
        var bytes = RasterEncoder.Encode(pixels, grid, names, new EncodeOptions { Format = chosen });
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = RasterEncoder.ContentType(chosen);
        await call.Http.Response.Body.WriteAsync(bytes, call.Aborted);
    }

    /// <summary>The requested bands on the grid, in request order, each with its mask; masked pixels are 0.</summary>
    private async Task<PixelBlock> ReadBandsAsync(EeCall call, StoredImage image, List<StoredBand> bands, TargetGrid grid)
    {
        var store = storage.Tiles;
        var assetKey = EeStorage.AssetKey(call.Group("path"));
        var blocks = new Dictionary<string, PixelBlock>(StringComparer.Ordinal);
        try
        {
            foreach (var tileset in bands.Select(b => image.Tilesets.First(t => t.Id == b.TilesetId)).DistinctBy(t => t.Id))
            {
                var key = new TilesetKey(call.Project, assetKey, image.Generation, tileset.Id);
                blocks[tileset.Id] = tileset.External is { } external
                    ? await ReadExternalAsync(call, external, tileset.Layout, grid)
                    : await reader.ReadAsync(tileset.Layout, key, store, grid, call.Aborted);
            }
        }
        catch (Exception ex) when (ex is RasterLimitExceededException or ArgumentException)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"grid: {ex.Message}");
        }

        var output = new PixelBlock(grid.Width, grid.Height, bands.Count, blocks.Values.First().DataType, bands.Count);
        for (var i = 0; i < bands.Count; i++)
        {
            var block = blocks[bands[i].TilesetId];
            block.BandBytes(bands[i].Index).CopyTo(output.BandBytes(i));
            block.MaskBand(block.MaskCount == 1 ? 0 : bands[i].Index).CopyTo(output.MaskBand(i));
        }

        return output;
    }

    /// <summary>An external image's pixels, read in place from its COG (the version pinned at registration).</summary>
    private async Task<PixelBlock> ReadExternalAsync(EeCall call, ExternalPixels external, TilesetLayout layout, TargetGrid grid)
    {
        var path = await resolver.TilesetPathAsync(external.Sources, external.VrtTemplate, SourceAccess.Window, call.Aborted);
        try
        {
            var pixels = await reader.ReadSourceAsync(path, layout, grid, call.Aborted);

            // Range reads see whatever the COG holds now: answer only if it is still the version registered.
            await resolver.EnsureUnchangedAsync(external.Sources, call.Aborted);
            return pixels;
        }
        catch (GdalException ex)
        {
            throw new EarthEngineException(EeStatusCode.FailedPrecondition, $"Failed to load the GeoTIFF at {external.Sources[0].Uri}: {ex.Message}");
        }
    }
}
