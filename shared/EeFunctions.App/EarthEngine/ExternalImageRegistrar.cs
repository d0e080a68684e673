using EeFunctions.DurableTask;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Names;
using EeFunctions.App.Activities;
using EeFunctions.App.Orchestrations;
using EeFunctions.Raster;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.EarthEngine;

/// <summary>
/// <c>image:importExternal</c>: registers an image whose pixels stay in its COGs (reference §4.6). Each tileset is
/// exactly one cloud-optimised GeoTIFF in blob storage with square 256, 512, 1024 or 2048 pixel blocks, checked by
/// reading its headers in place; nothing is copied. The COG's ETag is pinned like EE pins the object generation, so a
/// COG replaced later fails reads instead of serving other pixels.
/// </summary>
public sealed class ExternalImageRegistrar(SourceResolver resolver, TilesetInspector inspector, EeStorage storage, OrchestrationStarter starter, IOptions<EarthEngineOptions> options)
{
    private static readonly int[] s_blockSizes = [256, 512, 1024, 2048];

    public async Task RegisterAsync(ImportSpec spec, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckManifest(spec);
        var plans = new List<TilesetPlan>();
        for (var i = 0; i < spec.Tilesets.Count; i++)
        {
            TilesetPlan plan;
            try
            {
                plan = await inspector.InspectAsync(spec, i, cancellationToken);
            }
            catch (ImportFailedException ex)
            {
                var (code, message) = ImportFailedException.Parse(typeof(ImportFailedException).FullName!, ex.Message);
                throw new EarthEngineException((EeStatusCode)code, message);
            }

            await CheckCloudOptimizedAsync(plan.Sources[0], cancellationToken);
            plans.Add(plan);
        }

        var (asset, image) = RegisterImageActivity.Describe(spec, DateTime.UtcNow.Ticks, plans, external: true);
        var replaced = await storage.Catalog.RegisterImageAsync(spec.Project, spec.AssetPath, asset, image, spec.Overwrite, cancellationToken);
        if (replaced is { } generation)
        {
            // The image this one replaced may have been ingested: its tiles go after the grace period, as on import,
            // so reads under way still find them (and a caller going away does not leave them behind).
            var assetKey = EeStorage.AssetKey(spec.AssetPath);
            var leftovers = new ImportLeftoversInput(spec.Project, assetKey, generation, spec.OperationId, options.Value.ReplacedTilesGrace);
            await ImportLeftoversOrchestrator.StartAsync(starter, client, ImportLeftoversOrchestrator.AfterOverwrite(spec.Project, assetKey, generation), leftovers, CancellationToken.None);
        }
    }

    /// <summary>What an external image cannot have: several files per tileset, http(s) files, overridden georeferencing, mask bands.</summary>
    private void CheckManifest(ImportSpec spec)
    {
        foreach (var tileset in spec.Tilesets)
        {
            var label = tileset.Id.Length == 0 ? "the tileset" : $"tileset '{tileset.Id}'";
            if (tileset.Sources.Count != 1)
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"imageManifest: {label} has {tileset.Sources.Count} sources; an external image reads exactly one COG per tileset.");
            }

            if (!resolver.Locate(tileset.Sources[0]).IsBlob)
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{tileset.Sources[0]}' of {label} is not in this service's storage: an external image must point at a gs://container/blob or a blob URL of the account (http(s) files can be ingested with image:import).");
            }

            if (tileset.Crs is not null || tileset.Transforms?.Any(t => t is not null) == true)
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"imageManifest: {label} sets crs or affineTransform; an external image uses its COG's own georeferencing.");
            }
        }

        // Reads go straight to the COG through GDAL, which knows one no-data value a band (the VRT sets it).
        if ((spec.MissingData?.Count ?? 0) > 1 || spec.Bands?.Any(b => (b.MissingData?.Count ?? 0) > 1) == true)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "imageManifest: missingData of an external image may hold one value a band (the COG is read as it is); ingest it with image:import to mask several values.");
        }

        if (spec.MaskBands is { Count: > 0 })
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "imageManifest.maskBands is not supported for external images; use the COG's own mask or no-data.");
        }
    }

    private async Task CheckCloudOptimizedAsync(SourceLocation source, CancellationToken cancellationToken)
    {
        var opened = await resolver.OpenAsync(source, cancellationToken);
        RasterInfo info;
        try
        {
            // GDAL's range reads block: keep them off the request thread.
            info = await Task.Run(() => RasterInspector.Inspect(opened.GdalPath), cancellationToken);
        }
        catch (GdalException ex)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{source.Uri}' cannot back an external image: GDAL cannot read it ({ex.Message}).");
        }

        string? problem = null;
        if (info.Driver != "GTiff")
        {
            problem = $"it is a {info.Driver} file, not a GeoTIFF";
        }
        else if (info.Bands.FirstOrDefault(b => b.BlockWidth != b.BlockHeight || !s_blockSizes.Contains(b.BlockWidth)) is { } band)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"its blocks are {band.BlockWidth}x{band.BlockHeight} pixels; an external image needs square 256, 512, 1024 or 2048 pixel blocks (gdal_translate -of COG -co BLOCKSIZE=512)");
        }
        else if (!info.IsCloudOptimized)
        {
            problem = $"it is not a cloud-optimized GeoTIFF: {info.CloudOptimizedProblem}";
        }

        if (problem is not null)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{source.Uri}' cannot back an external image: {problem}.");
        }
    }
}
