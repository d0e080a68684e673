using EeFunctions.Raster.Reading;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>Makes the service's <see cref="IImageAssets"/> for one caller's reach (the projects it may read).</summary>
public sealed class CatalogImageAssetsFactory(EeStorage storage, RasterReader reader, SourceResolver resolver, TilesetInspector inspector)
{
    public CatalogImageAssets For(Func<string, bool> canRead) => new(storage, reader, resolver, inspector, canRead);
}
