using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>A stored image as an expression sees it: its name, pixels layout and properties.</summary>
public sealed record LoadedAsset(string Name, StoredImage Image, IReadOnlyDictionary<string, object?> Properties);

/// <summary>Where expressions find assets and their pixels: the catalogue and tile store in the service, memory in unit tests.</summary>
public interface IImageAssets
{
    /// <summary>The image asset, or null when there is none (or it is not an image).</summary>
    Task<LoadedAsset?> FindImageAsync(string assetName, CancellationToken cancellationToken);

    /// <summary>The images of an image collection asset in name order, or null when there is no such collection.</summary>
    Task<IReadOnlyList<string>?> ListCollectionAsync(string assetName, CancellationToken cancellationToken);

    /// <summary>A GeoTIFF read in place (<c>Image.loadGeoTIFF</c>): its bands B0, B1, …; a bad URI or file is a 400.</summary>
    Task<LoadedAsset> OpenGeoTiffAsync(string uri, CancellationToken cancellationToken);

    /// <summary>One tileset of the image on the grid, resampled nearest-neighbour.</summary>
    Task<PixelBlock> ReadAsync(LoadedAsset asset, StoredTileset tileset, TargetGrid grid, CancellationToken cancellationToken);
}
