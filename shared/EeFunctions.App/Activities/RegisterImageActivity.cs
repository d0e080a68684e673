using System.Text.Json;
using Microsoft.DurableTask;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Orchestrations;
using EeFunctions.Raster;

namespace EeFunctions.App.Activities;

/// <summary>
/// Registers the image: its bands (types, grids, policies, missing data), properties, times and size, with missing
/// parent folders created; an existing asset is replaced only with overwrite, by an atomic generation flip.
/// Returns the replaced generation (to delete), or -1.
/// </summary>
[DurableTask(Name)]
public sealed class RegisterImageActivity(EeStorage storage, IHostApplicationLifetime lifetime) : TaskActivity<RegisterImageInput, long>
{
    public const string Name = "EeImport_Register";

    public override async Task<long> RunAsync(TaskActivityContext context, RegisterImageInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var spec = input.Spec;
        var (asset, image) = Describe(spec, input.Generation, input.Plans);
        if (!await storage.Claims.TryRegisterAsync(spec.Project, EeStorage.AssetKey(spec.AssetPath), input.Generation, lifetime.ApplicationStopping))
        {
            throw new ImportFailedException(EeStatusCode.Aborted, "The import was terminated before it could register the asset; its tiles are being removed.");
        }

        try
        {
            return await storage.Catalog.RegisterImageAsync(spec.Project, spec.AssetPath, asset, image, spec.Overwrite, lifetime.ApplicationStopping) ?? -1;
        }
        catch (EarthEngineException ex)
        {
            throw new ImportFailedException(ex.Code, ex.Message);
        }
    }

    /// <summary>
    /// The asset an import registers and what the catalogue keeps of it: bands with types and grids, policies, missing
    /// data, properties, times and size. <paramref name="external"/> keeps the sources to read pixels from instead of tiles.
    /// </summary>
    internal static (EarthEngineAsset Asset, StoredImage Image) Describe(ImportSpec spec, long generation, IReadOnlyList<TilesetPlan> plans, bool external = false)
    {
        var bands = new List<StoredBand>();
        var imageBands = new List<ImageBand>();
        if (spec.Bands is null)
        {
            foreach (var plan in plans)
            {
                for (var b = 0; b < plan.Layout.BandCount; b++)
                {
                    bands.Add(new StoredBand($"b{bands.Count + 1}", plan.TilesetId, b));
                }
            }
        }
        else
        {
            bands.AddRange(spec.Bands.Select(b => new StoredBand(b.Id, b.TilesetId, b.TilesetBandIndex)));
        }

        foreach (var band in bands)
        {
            var plan = plans.First(p => p.TilesetId == band.TilesetId);
            var layoutBand = plan.Layout.Bands[band.Index];
            var missing = spec.Bands?.FirstOrDefault(b => b.Id == band.Id)?.MissingData ?? spec.MissingData ?? (plan.NoData[band.Index] is { } noData ? [double.Parse(noData, System.Globalization.CultureInfo.InvariantCulture)] : null);
            var t = plan.Layout.Transform;
            imageBands.Add(new ImageBand
            {
                Id = band.Id,
                DataType = DataTypeOf(plan.Layout.DataType),
                Grid = new PixelGrid
                {
                    CrsCode = plan.CrsCode,
                    CrsWkt = plan.CrsCode is null ? plan.Layout.CrsWkt : null,
                    Dimensions = new GridDimensions { Width = plan.Layout.Width, Height = plan.Layout.Height },
                    AffineTransform = new AffineTransform { ScaleX = t.PixelWidth, ShearX = t.RowRotation, TranslateX = t.OriginX, ShearY = t.ColumnRotation, ScaleY = t.PixelHeight, TranslateY = t.OriginY },
                },
                PyramidingPolicy = Enum.Parse<EeFunctions.EarthEngine.Models.PyramidingPolicy>(layoutBand.Policy.ToString()),
                MissingData = missing is null ? null : new MissingData { Values = missing },
            });
        }

        var name = EeNames.AssetName(spec.Project, spec.AssetPath);
        var asset = new EarthEngineAsset
        {
            Type = AssetType.Image,
            Name = name,
            Id = name,
            UpdateTime = DateTimeOffset.UtcNow,
            Properties = spec.PropertiesJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(spec.PropertiesJson, EeJson.Options),
            StartTime = spec.StartTime,
            EndTime = spec.EndTime,
            Geometry = AssetFootprint.Of(plans.Select(p => p.Layout)),
            Bands = imageBands,
            SizeBytes = plans.Sum(p => p.SourceBytes),

            // Only external images list their tilesets (reference §4.6): where their pixels are read from.
            Tilesets = external ? [.. spec.Tilesets.Select(t => new Tileset { Id = t.Id.Length == 0 ? null : t.Id, Sources = [new ImageSource { Uris = [t.Sources[0]] }] })] : null,
        };
        var image = new StoredImage(generation, [.. plans.Select(p => new StoredTileset(p.StoreId, p.Layout, p.CrsCode, external ? new ExternalPixels(p.Sources, p.VrtTemplate) : null))], [.. bands.Select(b => b with { TilesetId = plans.First(p => p.TilesetId == b.TilesetId).StoreId })]);
        return (asset, image);
    }

    internal static PixelDataType DataTypeOf(RasterDataType type) => type switch
    {
        RasterDataType.Float32 => new PixelDataType { Precision = Precision.Float },
        RasterDataType.Float64 => new PixelDataType { Precision = Precision.Double },
        RasterDataType.Byte => Int(0, byte.MaxValue),
        RasterDataType.UInt16 => Int(0, ushort.MaxValue),
        RasterDataType.Int16 => Int(short.MinValue, short.MaxValue),
        RasterDataType.UInt32 => Int(0, uint.MaxValue),
        _ => Int(int.MinValue, int.MaxValue),
    };

    private static PixelDataType Int(double min, double max) => new() { Precision = Precision.Int, Range = new DoubleRange { Min = min, Max = max } };
}
