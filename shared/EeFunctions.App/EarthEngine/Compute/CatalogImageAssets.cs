using System.Text.Json;
using EeFunctions.App.Orchestrations;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>
/// The service's assets for expressions: the catalogue for names and properties, the tile store (or the registered
/// COG, for external images) for pixels. <paramref name="canRead"/> says which projects the caller may read; an
/// asset elsewhere is "not found", as Earth Engine answers for assets the caller cannot see.
/// </summary>
public sealed class CatalogImageAssets(EeStorage storage, RasterReader reader, SourceResolver resolver, TilesetInspector inspector, Func<string, bool> canRead) : IImageAssets
{
    private const int PageSize = 1000;
    private readonly HashSet<string> _projectsRead = new(StringComparer.Ordinal);

    /// <summary>The projects whose assets were found so far (a thumbnail may read them again when fetched).</summary>
    public IReadOnlyCollection<string> ProjectsRead
    {
        get
        {
            lock (_projectsRead)
            {
                return [.. _projectsRead];
            }
        }
    }


    public async Task<LoadedAsset?> FindImageAsync(string assetName, CancellationToken cancellationToken)
    {
        if (Parse(assetName) is not { } id || !canRead(id.Project))
        {
            return null;
        }

        var found = await storage.Catalog.GetAsync(id.Project, id.Path, cancellationToken);
        if (found?.Image is not { } image)
        {
            return null;
        }

        lock (_projectsRead)
        {
            _projectsRead.Add(id.Project);
        }

        var name = EeNames.AssetName(id.Project, id.Path);
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["system:id"] = name,
            ["system:index"] = id.Path[(id.Path.LastIndexOf('/') + 1)..],
        };
        foreach (var (key, value) in found.Asset.Properties ?? new Dictionary<string, JsonElement>())
        {
            properties[key] = ExpressionEvaluator.Constant(value);
        }

        if (found.Asset.StartTime is { } start)
        {
            properties["system:time_start"] = (double)start.ToUnixTimeMilliseconds();
        }

        if (found.Asset.EndTime is { } end)
        {
            properties["system:time_end"] = (double)end.ToUnixTimeMilliseconds();
        }

        return new LoadedAsset(name, image, properties);
    }

    public async Task<IReadOnlyList<string>?> ListCollectionAsync(string assetName, CancellationToken cancellationToken)
    {
        if (Parse(assetName) is not { } id || !canRead(id.Project))
        {
            return null;
        }

        var found = await storage.Catalog.GetAsync(id.Project, id.Path, cancellationToken);
        if (found?.Asset.Type != AssetType.ImageCollection)
        {
            return null;
        }

        var names = new List<string>();
        string? after = null;
        do
        {
            var page = await storage.Catalog.ListChildrenAsync(id.Project, id.Path, PageSize, after, cancellationToken);
            names.AddRange(page.Assets.Where(a => a.Type == AssetType.Image && a.Name is not null).Select(a => a.Name!));
            after = page.ResumeAfter;
        }
        while (after is not null);
        return names;
    }

    public async Task<LoadedAsset> OpenGeoTiffAsync(string uri, CancellationToken cancellationToken)
    {
        if (!resolver.Locate(uri).IsBlob)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Image.loadGeoTIFF: '{uri}' is not a gs:// or blob URL of the service's storage account.");
        }

        // Inspected as an external image's source is: a GeoTIFF read in place, pinned to the version inspected.
        var spec = new ImportSpec
        {
            Project = "loadgeotiff",
            AssetPath = "loadGeoTIFF",
            OperationId = "loadGeoTIFF",
            Description = string.Empty,
            CreateTime = DateTimeOffset.UnixEpoch,
            Tilesets = [new SpecTileset("0", [uri], null, null)],
        };
        TilesetPlan plan;
        try
        {
            plan = await inspector.InspectAsync(spec, 0, cancellationToken);
        }
        catch (ImportFailedException ex)
        {
            var (_, message) = ImportFailedException.Parse(typeof(ImportFailedException).FullName!, ex.Message);
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Image.loadGeoTIFF: {message}");
        }

        var tileset = new StoredTileset(plan.StoreId, plan.Layout, plan.CrsCode, new ExternalPixels(plan.Sources, plan.VrtTemplate));
        var bands = Enumerable.Range(0, plan.Layout.BandCount).Select(b => new StoredBand(FormattableString.Invariant($"B{b}"), plan.StoreId, b)).ToList();
        return new LoadedAsset(uri, new StoredImage(0, [tileset], bands), new Dictionary<string, object?>(StringComparer.Ordinal) { ["system:id"] = uri });
    }

    public async Task<PixelBlock> ReadAsync(LoadedAsset asset, StoredTileset tileset, TargetGrid grid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(tileset);
        try
        {
            if (tileset.External is { } external)
            {
                var source = await resolver.TilesetPathAsync(external.Sources, external.VrtTemplate, SourceAccess.Window, cancellationToken);
                var pixels = await reader.ReadSourceAsync(source, tileset.Layout, grid, cancellationToken, "near");
                await resolver.EnsureUnchangedAsync(external.Sources, cancellationToken);
                return pixels;
            }

            var (project, path) = EeNames.ParseAssetName(asset.Name);
            var key = new TilesetKey(project, EeStorage.AssetKey(path), asset.Image.Generation, tileset.Id);
            return await reader.ReadAsync(tileset.Layout, key, storage.Tiles, grid, cancellationToken, "near");
        }
        catch (Exception ex) when (ex is RasterLimitExceededException or ArgumentException or GdalException)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Reading '{asset.Name}' failed: {ex.Message}");
        }
    }

    private static (string Project, string Path)? Parse(string assetName)
    {
        try
        {
            return EeNames.ParseAssetName(assetName, "id");
        }
        catch (EarthEngineException)
        {
            return null;
        }
    }
}
