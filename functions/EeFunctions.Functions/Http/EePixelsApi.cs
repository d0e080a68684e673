using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.Functions.EarthEngine;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;
using Microsoft.Extensions.Options;

namespace EeFunctions.Functions.Http;

/// <summary>getPixels (GEO_TIFF) read from the tile store at the best level for the grid.</summary>
internal static class EePixelsApi
{
    public static async Task GetPixelsAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.AssetsGet);
        var request = await EeJson.DeserializeAsync<GetPixelsRequest>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);
        var found = await EeAssetsApi.FindAsync(call);
        var image = found.Image ?? throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Asset '{found.Asset.Name}' is a {found.Asset.Type}, not an image: it has no pixels.");
        if (request.FileFormat is not (null or ImageFileFormat.Unspecified or ImageFileFormat.GeoTiff))
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"fileFormat {request.FileFormat} is not supported by getPixels yet; use GEO_TIFF.");
        }

        if (request.Region is not null || request.VisualizationOptions is not null)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "region and visualizationOptions are not supported by getPixels yet; give a grid.");
        }

        var bandIds = request.BandIds is { Count: > 0 } ids ? ids : [.. image.Bands.Select(b => b.Id)];
        var bands = bandIds.Select(id => image.Bands.FirstOrDefault(b => b.Id == id)
            ?? throw new EarthEngineException(EeStatusCode.InvalidArgument, $"bandIds: band '{id}' does not exist in '{found.Asset.Name}' (bands: {string.Join(", ", image.Bands.Select(b => b.Id))}).")).ToList();
        var tilesets = bands.Select(b => image.Tilesets.First(t => t.Id == b.TilesetId)).ToList();
        var type = tilesets[0].Layout.DataType;
        if (tilesets.Any(t => t.Layout.DataType != type))
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "bandIds: the requested bands have different pixel types; request them separately.");
        }

        var grid = TargetGridOf(request.Grid, tilesets[0]);
        var options = call.Service<IOptions<EarthEngineOptions>>().Value;
        if (grid.Width > 32768 || grid.Height > 32768 || (long)grid.Width * grid.Height * bands.Count * type.SizeInBytes() > options.MaxGetPixelsBytes)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Total request size ({(long)grid.Width * grid.Height * bands.Count * type.SizeInBytes()} bytes) must be less than or equal to {options.MaxGetPixelsBytes} bytes, and each dimension at most 32768 pixels.");
        }

        var reader = call.Service<RasterReader>();
        var store = call.Service<EeStorage>().Tiles;
        var assetKey = EeStorage.AssetKey(call.Group("path"));
        var blocks = new Dictionary<string, PixelBlock>(StringComparer.Ordinal);
        try
        {
            foreach (var tileset in tilesets.DistinctBy(t => t.Id))
            {
                var key = new TilesetKey(call.Project, assetKey, image.Generation, tileset.Id);
                blocks[tileset.Id] = await reader.ReadAsync(tileset.Layout, key, store, grid, call.Aborted);
            }
        }
        catch (Exception ex) when (ex is RasterLimitExceededException or ArgumentException)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"grid: {ex.Message}");
        }

        var output = new PixelBlock(grid.Width, grid.Height, bands.Count, type, bands.Count);
        for (var i = 0; i < bands.Count; i++)
        {
            var block = blocks[bands[i].TilesetId];
            block.BandBytes(bands[i].Index).CopyTo(output.BandBytes(i));
            block.MaskBand(block.MaskCount == 1 ? 0 : bands[i].Index).CopyTo(output.MaskBand(i));
        }

        var bytes = RasterEncoder.Encode(output, grid, bandIds, new EncodeOptions { Format = RasterFormat.GeoTiff });
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = "image/tiff";
        await call.Http.Response.Body.WriteAsync(bytes, call.Aborted);
    }

    private static TargetGrid TargetGridOf(PixelGrid? grid, StoredTileset tileset)
    {
        var layout = tileset.Layout;
        var t = grid?.AffineTransform;
        var transform = t is null
            ? layout.Transform
            : new GeoTransform(t.TranslateX ?? 0, t.ScaleX ?? 0, t.ShearX ?? 0, t.TranslateY ?? 0, t.ShearY ?? 0, t.ScaleY ?? 0);
        if (transform.PixelWidth * transform.PixelHeight - transform.RowRotation * transform.ColumnRotation == 0)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "grid.affineTransform is not invertible (scaleX and scaleY must not be 0).");
        }

        var width = grid?.Dimensions?.Width ?? layout.Width;
        var height = grid?.Dimensions?.Height ?? layout.Height;
        if (width <= 0 || height <= 0)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "grid.dimensions must be positive.");
        }

        var crs = grid?.CrsCode ?? grid?.CrsWkt;
        return new TargetGrid(crs is null || crs == tileset.CrsCode ? null : crs, transform, width, height);
    }
}
