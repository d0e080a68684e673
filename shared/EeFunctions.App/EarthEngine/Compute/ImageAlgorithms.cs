using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>The <c>Image.*</c> algorithms: loading, band selection, projections and clipping, band math, masks, casts.</summary>
public static class ImageAlgorithms
{
    private static readonly string[] Casts =
    [
        "Float", "Double", "Int8", "Int16", "Int32", "Int64", "Uint8", "Uint16", "Uint32", "Byte", "Short", "Int", "Long",
    ];

    public static void Register(Algorithms.Builder add)
    {
        ArgumentNullException.ThrowIfNull(add);
        add.Async("Image.load", ["id", "version"], LoadAsync);
        add.Async("Image.loadGeoTIFF", ["uri"], async call =>
        {
            var uri = call.Text("uri");
            return await call.Context.LoadOnceAsync("GeoTIFF", uri, async () => FromAsset(await call.Context.Assets.OpenGeoTiffAsync(uri, call.Context.CancellationToken), call.Context.Assets));
        });
        add.Sync("Image.constant", ["value"], call => call.Raw("value") is IReadOnlyList<object?> list ? Constants(list) : Constant(call.Required("value")));
        add.Sync("Image.select", ["input", "bandSelectors", "newNames"], Select);
        add.Sync("Image.rename", ["input", "names"], Rename);
        add.Sync("Image.addBands", ["dstImg", "srcImg", "names", "overwrite"], AddBands);
        add.Sync("Image.clip", ["input", "geometry"], call =>
        {
            var geometry = call.Geometry("geometry");
            return call.Image("input") is var image ? image with { Bands = [.. image.Bands.Select(b => Clipped(b, geometry))] } : null;
        });
        add.Sync("Image.clipToBoundsAndScale", ["input", "geometry", "width", "height", "maxDimension", "scale"], ClipToBoundsAndScale);
        add.Sync("Image.reproject", ["image", "crs", "crsTransform", "scale"], Reproject);
        add.Sync("Image.setDefaultProjection", ["image", "crs", "crsTransform", "scale"], Reproject);
        add.Sync("Image.projection", ["image"], call => ProjectionOf(call, call.Image("image")));

        Binary(add, "Image.add", (a, b) => PixelType.Arithmetic(a, b, a.Min + b.Min, a.Max + b.Max), TensorPrimitives.Add);
        Binary(add, "Image.subtract", (a, b) => PixelType.Arithmetic(a, b, a.Min - b.Max, a.Max - b.Min), TensorPrimitives.Subtract);
        Binary(add, "Image.multiply", (a, b) => BandMath.ProductRange(a, b) is var r ? PixelType.Arithmetic(a, b, r.Min, r.Max) : null!, TensorPrimitives.Multiply);
        add.Sync("Image.divide", ["image1", "image2"], call => BandMath.Pair(call, call.Image("image1"), call.Image("image2"), (a, b) =>
            BandMath.Divide(a, b, PixelType.FloatOf(a.Type, b.Type))));
        Binary(add, "Image.max", PixelType.Union, TensorPrimitives.Max);
        Binary(add, "Image.min", PixelType.Union, TensorPrimitives.Min);
        Binary(add, "Image.pow", PixelType.FloatOf, TensorPrimitives.Pow);
        Binary(add, "Image.gt", (_, _) => PixelType.Boolean, BandMath.Scalar((x, y) => x > y ? 1 : 0));
        Binary(add, "Image.gte", (_, _) => PixelType.Boolean, BandMath.Scalar((x, y) => x >= y ? 1 : 0));
        Binary(add, "Image.lt", (_, _) => PixelType.Boolean, BandMath.Scalar((x, y) => x < y ? 1 : 0));
        Binary(add, "Image.lte", (_, _) => PixelType.Boolean, BandMath.Scalar((x, y) => x <= y ? 1 : 0));
        Binary(add, "Image.eq", (_, _) => PixelType.Boolean, BandMath.Scalar((x, y) => x == y ? 1 : 0));
        Binary(add, "Image.neq", (_, _) => PixelType.Boolean, BandMath.Scalar((x, y) => x != y ? 1 : 0));
        Binary(add, "Image.and", (_, _) => PixelType.Boolean, BandMath.Scalar((x, y) => x != 0 && y != 0 ? 1 : 0));
        Binary(add, "Image.or", (_, _) => PixelType.Boolean, BandMath.Scalar((x, y) => x != 0 || y != 0 ? 1 : 0));

        Unary(add, "Image.not", _ => PixelType.Boolean, BandMath.Scalar(x => x == 0 ? 1 : 0));
        Unary(add, "Image.abs", t => t.IsInteger ? PixelType.Int(t.Min >= 0 ? t.Min : t.Max <= 0 ? -t.Max : 0, Math.Max(Math.Abs(t.Min), Math.Abs(t.Max))) : t, TensorPrimitives.Abs);
        Unary(add, "Image.sqrt", t => t.ToFloating(), TensorPrimitives.Sqrt);
        Unary(add, "Image.log", t => t.ToFloating(), TensorPrimitives.Log);
        Unary(add, "Image.log10", t => t.ToFloating(), TensorPrimitives.Log10);
        Unary(add, "Image.exp", t => t.ToFloating(), TensorPrimitives.Exp);
        foreach (var cast in Casts)
        {
            var type = PixelType.Named(cast)!;
            Unary(add, "Image.to" + cast, _ => type, BandMath.Scalar(x => BandMath.Cast(x, type)));
            Unary(add, "Image." + cast.ToLowerInvariant(), _ => type, BandMath.Scalar(x => BandMath.Cast(x, type)));
        }

        add.Sync("Image.cast", ["image", "bandTypes", "bandOrder"], Cast);
        add.Sync("Image.clamp", ["input", "low", "high"], Clamp);
        add.Sync("Image.normalizedDifference", ["input", "bandNames"], NormalizedDifference);
        add.Sync("Image.updateMask", ["image", "mask"], call => UpdateMask(call, call.Image("image"), call.Image("mask")));
        add.Sync("Image.mask", ["image", "mask"], call => call.Has("mask") ? UpdateMask(call, call.Image("image"), call.Image("mask")) : MaskOf(call.Image("image")));
        add.Sync("Image.unmask", ["input", "value", "sameFootprint"], Unmask);
        add.Sync("Image.where", ["input", "test", "value"], Where);
        add.Sync("Image.visualize", ["image", "bands", "gain", "bias", "min", "max", "gamma", "opacity", "palette", "forceRgbOutput"], Visualizer.Visualize);
    }

    /// <summary><c>ee.Image(n)</c>: one unbounded band named <c>constant</c> in the default projection.</summary>
    public static EeImage Constant(object? value)
    {
        var v = value switch
        {
            double d => d,
            long l => l,
            _ => throw ExpressionEvaluator.Invalid($"Image.constant: Invalid type. Expected type: Number. Actual type: {ExpressionEvaluator.TypeName(value)}."),
        };
        return new EeImage([ConstantBand("constant", v)]);
    }

    /// <summary><c>ee.Image([a, b, …])</c>: one constant band per number (<c>constant</c>, <c>constant_1</c>, …).</summary>
    public static EeImage Constants(IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new EeImage([.. values.Select((v, i) => Constant(v).Bands[0] with { Name = i == 0 ? "constant" : string.Create(CultureInfo.InvariantCulture, $"constant_{i}") })]);
    }

    /// <summary>The image of a stored asset: its bands in order, read nearest-neighbour at the level fitting the grid.</summary>
    public static EeImage FromAsset(LoadedAsset asset, IImageAssets assets)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(assets);
        var bands = new List<ImageBand>();
        foreach (var stored in asset.Image.Bands)
        {
            var tileset = asset.Image.Tilesets.First(t => t.Id == stored.TilesetId);
            var layout = tileset.Layout;
            var crs = tileset.CrsCode ?? layout.CrsWkt ?? throw ExpressionEvaluator.Invalid($"Image.load: asset '{asset.Name}' has no CRS.");
            var t = layout.Transform;
            (double X, double Y)[] ring = [t.Apply(0, 0), t.Apply(layout.Width, 0), t.Apply(layout.Width, layout.Height), t.Apply(0, layout.Height), t.Apply(0, 0)];
            var index = stored.Index;
            var maskIndex = layout.MaskPerBand ? index : 0;
            bands.Add(new ImageBand
            {
                Name = stored.Id,
                Type = PixelType.Of(layout.DataType),
                Projection = new EeProjection(crs, t),
                Footprint = [new EeGeometry("Polygon", [ring], new EeProjection(crs, null))],
                Compute = async s =>
                {
                    var block = await s.OnceAsync(asset, tileset.Id, () => assets.ReadAsync(asset, tileset, s.Grid, s.CancellationToken));
                    return new BandPixels(ToDoubles(block, index), block.MaskBand(maskIndex).ToArray());
                },
            });
        }

        return new EeImage(bands, asset.Properties);
    }

    /// <summary>One band of a block as doubles.</summary>
    public static double[] ToDoubles(PixelBlock block, int band)
    {
        ArgumentNullException.ThrowIfNull(block);
        var values = GC.AllocateUninitializedArray<double>(block.PixelCount);
        var bytes = block.BandBytes(band);
        switch (block.DataType)
        {
            case RasterDataType.Byte:
                TensorPrimitives.ConvertChecked<byte, double>(bytes, values);
                break;
            case RasterDataType.UInt16:
                TensorPrimitives.ConvertChecked<ushort, double>(MemoryMarshal.Cast<byte, ushort>(bytes), values);
                break;
            case RasterDataType.Int16:
                TensorPrimitives.ConvertChecked<short, double>(MemoryMarshal.Cast<byte, short>(bytes), values);
                break;
            case RasterDataType.UInt32:
                TensorPrimitives.ConvertChecked<uint, double>(MemoryMarshal.Cast<byte, uint>(bytes), values);
                break;
            case RasterDataType.Int32:
                TensorPrimitives.ConvertChecked<int, double>(MemoryMarshal.Cast<byte, int>(bytes), values);
                break;
            case RasterDataType.Float32:
                TensorPrimitives.ConvertChecked<float, double>(MemoryMarshal.Cast<byte, float>(bytes), values);
                break;
            case RasterDataType.Float64:
                MemoryMarshal.Cast<byte, double>(bytes).CopyTo(values);
                break;
            default:
                throw new NotSupportedException($"Pixel type {block.DataType} is not supported.");
        }

        return values;
    }

    /// <summary>A band clipped to a geometry: pixels whose centre is outside are masked.</summary>
    public static ImageBand Clipped(ImageBand band, EeGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(band);
        ArgumentNullException.ThrowIfNull(geometry);
        return band with
        {
            Footprint = [.. band.Footprint, geometry],
            Compute = async s =>
            {
                var pixels = await s.PixelsAsync(band);
                var inside = await s.OnceAsync(geometry, "inside", () => Task.FromResult(GeometryMask.Inside(geometry, s.Grid)));
                return new BandPixels(pixels.Values, BandMath.MinMask(pixels.Mask, inside));
            },
        };
    }

    /// <summary>The projection of an image whose bands share one.</summary>
    public static EeProjection ProjectionOf(AlgorithmCall call, EeImage image)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(image);
        if (image.Bands.Count == 0)
        {
            throw call.Error("The image has no bands, so it has no projection.");
        }

        var first = image.Bands[0].Projection;
        if (image.Bands.Any(b => b.Projection != first))
        {
            throw call.Error("The bands of the specified image contains different projections. Use Image.select to pick a single band.");
        }

        return first;
    }

    private static ImageBand ConstantBand(string name, double value) => new()
    {
        Name = name,
        Type = value == Math.Floor(value) && Math.Abs(value) <= long.MaxValue ? PixelType.Int(value, value) : PixelType.Float,
        Projection = EeProjection.Default,
        Compute = s => Task.FromResult(BandPixels.Constant(s.PixelCount, value)),
    };

    private static void Binary(Algorithms.Builder add, string name, Func<PixelType, PixelType, PixelType> type, BandMath.PlaneBinary f) =>
        add.Sync(name, ["image1", "image2"], call => BandMath.Pair(call, call.Image("image1"), call.Image("image2"), (a, b) => BandMath.Binary(a, b, type(a.Type, b.Type), f)));

    private static void Unary(Algorithms.Builder add, string name, Func<PixelType, PixelType> type, BandMath.PlaneUnary f) =>
        add.Sync(name, ["value"], call => call.Image("value") is var image ? image with { Bands = [.. image.Bands.Select(b => BandMath.Unary(b, type(b.Type), f))] } : null);

    private static async Task<object?> LoadAsync(AlgorithmCall call)
    {
        var id = call.Text("id");
        if (call.Has("version"))
        {
            throw call.Error("Asset versions are not supported by this server.");
        }

        return await call.Context.LoadOnceAsync("Image", id, async () =>
        {
            var asset = await call.Context.Assets.FindImageAsync(id, call.Context.CancellationToken)
                ?? throw call.Error($"Image asset '{id}' not found.");
            return FromAsset(asset, call.Context.Assets);
        });
    }

    private static EeImage Select(AlgorithmCall call)
    {
        var image = call.Image("input");
        var selectors = call.Raw("bandSelectors") switch
        {
            IReadOnlyList<object?> list => list,
            string or double or long => [call.Raw("bandSelectors")],
            null => throw call.Error("Parameter 'bandSelectors' is required."),
            _ => throw call.WrongType("bandSelectors", "List<Object>"),
        };
        var selected = new List<ImageBand>();
        foreach (var selector in selectors)
        {
            switch (selector)
            {
                case double or long:
                    var index = Convert.ToDouble(selector, CultureInfo.InvariantCulture);
                    if (index != Math.Floor(index) || index < 0 || index >= image.Bands.Count)
                    {
                        throw call.Error($"Band index {AlgorithmCall.Format(index)} out of bounds (the image has {image.Bands.Count} bands).");
                    }

                    selected.Add(image.Bands[(int)index]);
                    break;
                case string pattern:
                    Regex regex;
                    try
                    {
                        regex = new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                    }
                    catch (ArgumentException)
                    {
                        throw call.Error($"Invalid band pattern '{pattern}'.");
                    }

                    var matches = image.Bands.Where(b => regex.IsMatch(b.Name)).ToList();
                    if (matches.Count == 0)
                    {
                        throw call.Error($"Pattern '{pattern}' did not match any bands. Available bands: [{string.Join(", ", image.BandNames)}].");
                    }

                    selected.AddRange(matches);
                    break;
                default:
                    throw call.Error("A band selector is a band name (or pattern) or a band index.");
            }
        }

        if (call.OptionalStrings("newNames") is { } names)
        {
            if (names.Count != selected.Count)
            {
                throw call.Error($"The number of new names ({names.Count}) must match the number of selected bands ({selected.Count}).");
            }

            selected = [.. selected.Select((b, i) => b with { Name = names[i] })];
        }

        return Unique(call, image with { Bands = selected });
    }

    private static EeImage Rename(AlgorithmCall call)
    {
        var image = call.Image("input");
        var names = call.OptionalStrings("names") ?? (call.Raw("names") is string one ? [one] : throw call.Error("Parameter 'names' is required."));
        if (names.Count != image.Bands.Count)
        {
            throw call.Error($"Can't rename {image.Bands.Count} bands to {names.Count} names.");
        }

        return Unique(call, image with { Bands = [.. image.Bands.Select((b, i) => b with { Name = names[i] })] });
    }

    private static EeImage Unique(AlgorithmCall call, EeImage image)
    {
        var duplicate = image.Bands.GroupBy(b => b.Name).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? image : throw call.Error($"Duplicate band name '{duplicate.Key}': band names must be unique.");
    }

    private static EeImage AddBands(AlgorithmCall call)
    {
        var destination = call.Image("dstImg");
        var source = call.Image("srcImg");
        var overwrite = call.Boolean("overwrite", false);
        var added = source.Bands;
        if (call.OptionalStrings("names") is { } names)
        {
            added = [.. names.Select(n => source.Bands.FirstOrDefault(b => b.Name == n) ?? throw call.Error($"Band '{n}' not found in srcImg. Available bands: [{string.Join(", ", source.BandNames)}]."))];
        }

        var bands = destination.Bands.ToList();
        foreach (var band in added)
        {
            var existing = bands.FindIndex(b => b.Name == band.Name);
            if (existing >= 0 && overwrite)
            {
                bands[existing] = band;
                continue;
            }

            var name = band.Name;
            for (var n = 1; bands.Any(b => b.Name == name); n++)
            {
                name = string.Create(CultureInfo.InvariantCulture, $"{band.Name}_{n}");
            }

            bands.Add(band with { Name = name });
        }

        return destination with { Bands = bands };
    }

    private static EeImage ClipToBoundsAndScale(AlgorithmCall call)
    {
        var image = call.Image("input");
        var projection = ProjectionOf(call, image);
        var crs = projection.Crs;
        (double MinX, double MinY, double MaxX, double MaxY) box;
        if (call.OptionalGeometry("geometry") is { } geometry)
        {
            box = GeometryMask.Bounds(geometry, crs) ?? throw call.Error("The geometry does not project into the image's CRS.");
        }
        else
        {
            box = ExportGrid.FootprintBounds(image.Bands[0], crs) ?? throw call.Error("The image is unbounded: give a geometry.");
        }

        var (dx, dy) = (box.MaxX - box.MinX, box.MaxY - box.MinY);
        var (width, height) = (call.OptionalNumber("width"), call.OptionalNumber("height"));
        var maxDimension = call.OptionalNumber("maxDimension");
        var scale = call.OptionalNumber("scale");
        GeoTransform transform;
        double w, h;
        if (scale is null && width is null && height is null && maxDimension is null)
        {
            var window = GeometryMask.Window(projection.Transform ?? new GeoTransform(0, 1, 0, 0, 0, -1), box);
            (transform, w, h) = (window.Transform, window.Width, window.Height);
        }
        else
        {
            if (!(dx > 0) || !(dy > 0))
            {
                throw call.Error("The geometry's bounds have no area.");
            }

            double sx, sy;
            if (scale is { } metres)
            {
                if (!(metres > 0))
                {
                    throw call.Error("scale must be positive.");
                }

                sx = sy = CrsPoints.IsGeographic(crs) ? metres / GeometryAlgorithms.MetresPerDegree : metres;
            }
            else if (width is not null || height is not null)
            {
                if (width is <= 0 || height is <= 0)
                {
                    throw call.Error("width and height must be positive.");
                }

                sx = width is { } ww ? dx / Math.Round(ww) : dy / Math.Round(height!.Value);
                sy = height is { } hh ? dy / Math.Round(hh) : sx;
                sx = width is null ? sy : sx;
            }
            else
            {
                if (!(maxDimension > 0))
                {
                    throw call.Error("maxDimension must be positive.");
                }

                sx = sy = Math.Max(dx, dy) / Math.Round(maxDimension!.Value);
            }

            w = width is { } fw ? Math.Round(fw) : Math.Max(1, Math.Ceiling(dx / sx - 1e-6));
            h = height is { } fh ? Math.Round(fh) : Math.Max(1, Math.Ceiling(dy / sy - 1e-6));
            transform = new GeoTransform(box.MinX, sx, 0, box.MaxY, 0, -sy);
        }

        var clipped = new EeProjection(crs, transform);
        var bounds = EeGeometry.Box(0, 0, w, h, clipped);
        // The result covers the whole box, image or not (pixels outside the image are masked), as Earth Engine's does.
        return image with { Bands = [.. image.Bands.Select(b => Clipped(b, bounds) with { Projection = clipped, Footprint = [bounds] })] };
    }

    private static EeImage Reproject(AlgorithmCall call)
    {
        var image = call.Image("image");
        var crs = call.OptionalProjection("crs") ?? throw call.Error("Parameter 'crs' is required.");
        GeoTransform transform;
        if (call.OptionalNumbers("crsTransform") is { } list)
        {
            transform = GeometryAlgorithms.Transform(call, list);
        }
        else if (call.OptionalNumber("scale") is { } scale)
        {
            if (!(scale > 0))
            {
                throw call.Error("scale must be positive.");
            }

            var s = CrsPoints.IsGeographic(crs.Crs) ? scale / GeometryAlgorithms.MetresPerDegree : scale;
            transform = crs.Transform is { } t ? t with { PixelWidth = s, PixelHeight = -s } : new GeoTransform(0, s, 0, 0, 0, -s);
        }
        else
        {
            transform = crs.Transform ?? new GeoTransform(0, 1, 0, 0, 0, -1);
        }

        var projection = new EeProjection(crs.Crs, transform);
        return image with { Bands = [.. image.Bands.Select(b => b with { Projection = projection })] };
    }

    private static EeImage Cast(AlgorithmCall call)
    {
        var image = call.Image("image");
        if (call.Raw("bandTypes") is not IReadOnlyDictionary<string, object?> types)
        {
            throw call.WrongType("bandTypes", "Dictionary<Object>");
        }

        var unknown = types.Keys.FirstOrDefault(k => image.Bands.All(b => b.Name != k));
        if (unknown is not null)
        {
            throw call.Error($"Band '{unknown}' not found. Available bands: [{string.Join(", ", image.BandNames)}].");
        }

        var bands = image.Bands.Select(b =>
        {
            if (!types.TryGetValue(b.Name, out var named))
            {
                return b;
            }

            var type = (named is string s ? PixelType.Named(s) : null) ?? throw call.Error($"Unknown pixel type '{named}' for band '{b.Name}'.");
            return BandMath.Unary(b, type, BandMath.Scalar(x => BandMath.Cast(x, type)));
        }).ToList();
        if (call.OptionalStrings("bandOrder") is { } order)
        {
            bands = [.. order.Select(n => bands.FirstOrDefault(b => b.Name == n) ?? throw call.Error($"Band '{n}' in bandOrder not found."))];
        }

        return image with { Bands = bands };
    }

    private static EeImage Clamp(AlgorithmCall call)
    {
        var image = call.Image("input");
        var (low, high) = (call.Number("low"), call.Number("high"));
        if (low > high)
        {
            throw call.Error("low must not be greater than high.");
        }

        return image with
        {
            Bands = [.. image.Bands.Select(b => BandMath.Unary(
                b,
                b.Type.IsInteger ? PixelType.Int(Math.Max(b.Type.Min, Math.Ceiling(low)), Math.Min(b.Type.Max, Math.Floor(high))) : b.Type,
                BandMath.Scalar(x => Math.Clamp(x, low, high))))],
        };
    }

    private static EeImage NormalizedDifference(AlgorithmCall call)
    {
        var image = call.Image("input");
        var names = call.OptionalStrings("bandNames");
        if (names is not null && names.Count != 2)
        {
            throw call.Error($"bandNames must name exactly 2 bands, got {names.Count}.");
        }

        if (names is null && image.Bands.Count < 2)
        {
            throw call.Error($"Input image must have at least 2 bands, got {image.Bands.Count}.");
        }

        ImageBand Band(int i) => names is null ? image.Bands[i]
            : image.Bands.FirstOrDefault(b => b.Name == names[i]) ?? throw call.Error($"Band '{names[i]}' not found. Available bands: [{string.Join(", ", image.BandNames)}].");
        var (a, b) = (Band(0), Band(1));

        // As documented by Earth Engine: a negative input masks the pixel; so does a zero sum.
        var nd = BandMath.BinaryMasked(a, b, PixelType.FloatOf(a.Type, b.Type), static (x, y, out r) =>
        {
            var sum = x + y;
            r = x < 0 || y < 0 || sum == 0 ? 0 : (x - y) / sum;
            return !(x < 0 || y < 0 || sum == 0);
        });
        return new EeImage([nd with { Name = "nd" }]);
    }

    private static EeImage UpdateMask(AlgorithmCall call, EeImage image, EeImage mask) =>
        BandMath.Pair(call, image, mask, (band, m) => band with
        {
            Footprint = [.. band.Footprint, .. m.Footprint],
            Compute = async s =>
            {
                var (pixels, pm) = (await s.PixelsAsync(band), await s.PixelsAsync(m));
                var result = new byte[pixels.Length];
                for (var i = 0; i < result.Length; i++)
                {
                    var weight = pm.Mask[i] == 0 || double.IsNaN(pm.Values[i]) ? 0 : Math.Clamp(pm.Values[i], 0, 1);
                    result[i] = Math.Min(pixels.Mask[i], (byte)Math.Round(weight * 255));
                }

                return new BandPixels(pixels.Values, result);
            },
        });

    private static EeImage MaskOf(EeImage image) => image with
    {
        Bands = [.. image.Bands.Select(b => b with
        {
            Type = PixelType.Float,
            Compute = async s =>
            {
                var pixels = await s.PixelsAsync(b);
                var values = new double[pixels.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = pixels.Mask[i] / 255.0;
                }

                var full = new byte[values.Length];
                Array.Fill(full, (byte)255);
                return new BandPixels(values, full);
            },
        })],
    };

    private static EeImage Unmask(AlgorithmCall call)
    {
        var image = call.Image("input");
        var value = call.OptionalImage("value") ?? Constant(0d);
        var sameFootprint = call.Boolean("sameFootprint", true);
        return BandMath.Pair(call, image, value, (band, fill) => band with
        {
            Type = PixelType.Union(band.Type, fill.Type),
            Compute = async s =>
            {
                var (pixels, pf) = (await s.PixelsAsync(band), await s.PixelsAsync(fill));
                var values = new double[pixels.Length];
                var mask = new byte[pixels.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    var keep = pixels.Mask[i] > 0;
                    values[i] = keep ? pixels.Values[i] : pf.Values[i];
                    mask[i] = keep ? (byte)255 : pf.Mask[i];
                }

                if (sameFootprint)
                {
                    foreach (var geometry in band.Footprint.Where(g => g.IsArea))
                    {
                        var inside = await s.OnceAsync(geometry, "inside", () => Task.FromResult(GeometryMask.Inside(geometry, s.Grid)));
                        mask = BandMath.MinMask(mask, inside);
                    }
                }

                return new BandPixels(values, mask);
            },
        });
    }

    private static EeImage Where(AlgorithmCall call)
    {
        var image = call.Image("input");
        var test = call.Image("test");
        var value = call.Image("value");
        EeImage withValue = BandMath.Pair(call, image, value, (band, v) => band with
        {
            Type = PixelType.Union(band.Type, v.Type),
            Compute = band.Compute,
            Footprint = band.Footprint,
        });
        var pairs = BandMath.Pair(call, image, value, (band, v) => v with { Name = band.Name });
        var bands = new List<ImageBand>();
        for (var i = 0; i < withValue.Bands.Count; i++)
        {
            var band = image.Bands.Count == 1 ? image.Bands[0] : image.Bands[i];
            var v = pairs.Bands[i];
            var t = test.Bands.Count == 1 ? test.Bands[0] : i < test.Bands.Count ? test.Bands[i]
                : throw call.Error($"Images must contain the same number of bands or only 1 band. Got {image.Bands.Count} and {test.Bands.Count}.");
            bands.Add(withValue.Bands[i] with
            {
                Compute = async s =>
                {
                    var (pi, pt, pv) = (await s.PixelsAsync(band), await s.PixelsAsync(t), await s.PixelsAsync(v));
                    var values = new double[pi.Length];
                    var mask = new byte[pi.Length];
                    for (var j = 0; j < values.Length; j++)
                    {
                        var replace = pt.Mask[j] > 0 && pt.Values[j] != 0;
                        values[j] = replace ? pv.Values[j] : pi.Values[j];
                        mask[j] = replace ? pv.Mask[j] : pi.Mask[j];
                    }

                    return new BandPixels(values, mask);
                },
            });
        }

        return image with { Bands = bands };
    }
}
