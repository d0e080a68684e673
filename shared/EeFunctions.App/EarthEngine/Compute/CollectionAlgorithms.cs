using System.Globalization;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>Image collections (load, fromImages, mosaic, filter, first), filters on image properties, dates.</summary>
public static class CollectionAlgorithms
{
    public static void Register(Algorithms.Builder add)
    {
        ArgumentNullException.ThrowIfNull(add);
        add.Async("ImageCollection.load", ["id", "version"], LoadAsync);
        add.Sync("ImageCollection.fromImages", ["images"], call => call.Collection("images"));
        add.Sync("ImageCollection.mosaic", ["collection"], call => Mosaic(call, call.Collection("collection")));
        add.Sync("Collection.filter", ["collection", "filter"], call =>
        {
            var filter = call.Filter("filter");
            return new EeCollection([.. call.Collection("collection").Images.Where(filter.Matches)]);
        });
        add.Sync("Collection.first", ["collection"], call =>
            call.Collection("collection").Images is { Count: > 0 } images ? images[0] : throw call.Error("The collection is empty."));
        add.Sync("Filter.eq", ["leftField", "rightValue", "rightField", "leftValue"], call =>
        {
            var (field, value) = FieldAndValue(call);
            return new EeFilter($"{field} == {value}", image => Equal(Property(image, field), value));
        });
        add.Sync("Filter.neq", ["leftField", "rightValue", "rightField", "leftValue"], call =>
        {
            var (field, value) = FieldAndValue(call);
            return new EeFilter($"{field} != {value}", image => !Equal(Property(image, field), value));
        });
        add.Sync("Filter.dateRangeContains", ["leftField", "rightValue", "rightField", "leftValue"], call =>
        {
            if (call.Raw("leftValue") is not EeDateRange range || call.OptionalText("rightField") is not { } field)
            {
                throw call.Error("Only leftValue (a DateRange) with rightField (a date property) is supported.");
            }

            return new EeFilter($"{field} in range", image => Millis(Property(image, field)) is { } t && t >= range.Start && t < range.End);
        });
        add.Sync("Filter.and", ["filters"], call =>
        {
            var filters = (call.OptionalList("filters") ?? throw call.Error("Parameter 'filters' is required."))
                .Select(f => f as EeFilter ?? throw call.WrongType("filters", "List<Filter>")).ToList();
            return new EeFilter("and", image => filters.All(f => f.Matches(image)));
        });
        add.Sync("Filter.or", ["filters"], call =>
        {
            var filters = (call.OptionalList("filters") ?? throw call.Error("Parameter 'filters' is required."))
                .Select(f => f as EeFilter ?? throw call.WrongType("filters", "List<Filter>")).ToList();
            return new EeFilter("or", image => filters.Any(f => f.Matches(image)));
        });
        add.Sync("Date", ["value", "timeZone"], call => new EeDate(DateMillis(call, call.Required("value"), "value")));
        add.Sync("DateRange", ["start", "end", "timeZone"], call =>
        {
            var start = DateMillis(call, call.Required("start"), "start");
            var end = call.Has("end") ? DateMillis(call, call.Raw("end"), "end") : start + 86_400_000;
            return end < start ? throw call.Error("end must not be before start.") : new EeDateRange(start, end);
        });
    }

    /// <summary>A property of an image (<c>system:time_start</c> and friends included).</summary>
    public static object? Property(EeImage image, string name)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.Properties.GetValueOrDefault(name);
    }

    private static async Task<object?> LoadAsync(AlgorithmCall call)
    {
        var id = call.Text("id");
        var names = await call.Context.Assets.ListCollectionAsync(id, call.Context.CancellationToken)
            ?? throw call.Error($"ImageCollection asset '{id}' not found.");
        var images = new List<EeImage>();
        foreach (var name in names)
        {
            var image = await call.Context.LoadOnceAsync("Image", name, async () =>
                await call.Context.Assets.FindImageAsync(name, call.Context.CancellationToken) is { } asset ? ImageAlgorithms.FromAsset(asset, call.Context.Assets) : null);
            if (image is EeImage loaded)
            {
                images.Add(loaded);
            }
        }

        return new EeCollection(images);
    }

    /// <summary>Later images on top: each pixel from the last image where it is unmasked, in Earth Engine's default projection.</summary>
    private static EeImage Mosaic(AlgorithmCall call, EeCollection collection)
    {
        if (collection.Images.Count == 0)
        {
            return new EeImage([]);
        }

        var names = collection.Images[0].BandNames;
        var bands = new List<ImageBand>();
        foreach (var name in names)
        {
            var layers = collection.Images.Select(i => i.Bands.FirstOrDefault(b => b.Name == name)).OfType<ImageBand>().ToList();
            var type = layers.Select(l => l.Type).Aggregate(PixelType.Union);

            // The mosaic is bounded by the union of its layers: the box around all their bounding boxes.
            var footprint = layers.Any(l => l.Footprint.Count == 0) ? [] : UnionBox(call, layers);
            bands.Add(new ImageBand
            {
                Name = name,
                Type = type,
                Projection = EeProjection.Default,
                Footprint = footprint,
                Compute = async s =>
                {
                    var values = new double[s.PixelCount];
                    var mask = new byte[s.PixelCount];
                    foreach (var layer in layers)
                    {
                        var p = await s.PixelsAsync(layer);
                        for (var i = 0; i < values.Length; i++)
                        {
                            if (p.Mask[i] > 0)
                            {
                                values[i] = p.Values[i];
                                mask[i] = p.Mask[i];
                            }
                        }
                    }

                    return new BandPixels(values, mask);
                },
            });
        }

        return new EeImage(bands);
    }

    private static List<EeGeometry> UnionBox(AlgorithmCall call, List<ImageBand> layers)
    {
        var boxes = layers.Select(l => ExportGrid.FootprintBounds(l, "EPSG:4326")).OfType<(double MinX, double MinY, double MaxX, double MaxY)>().ToList();
        return boxes.Count == 0
            ? throw call.Error("The mosaic's images do not project to longitude and latitude.")
            : [EeGeometry.Box(boxes.Min(b => b.MinX), boxes.Min(b => b.MinY), boxes.Max(b => b.MaxX), boxes.Max(b => b.MaxY), new EeProjection("EPSG:4326", null))];
    }

    private static (string Field, object? Value) FieldAndValue(AlgorithmCall call)
    {
        if (call.OptionalText("leftField") is { } left && !call.Has("rightField"))
        {
            return (left, call.Raw("rightValue"));
        }

        if (call.OptionalText("rightField") is { } right && !call.Has("leftField"))
        {
            return (right, call.Raw("leftValue"));
        }

        throw call.Error("Give leftField with rightValue, or rightField with leftValue.");
    }

    private static bool Equal(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (double or long, double or long) => Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture),
        (EeDate x, double or long) => x.Millis == Convert.ToDouble(b, CultureInfo.InvariantCulture),
        (double or long, EeDate y) => y.Millis == Convert.ToDouble(a, CultureInfo.InvariantCulture),
        _ => Equals(a, b),
    };

    private static double? Millis(object? value) => value switch
    {
        double d => d,
        long l => l,
        EeDate date => date.Millis,
        _ => null,
    };

    private static double DateMillis(AlgorithmCall call, object? value, string argument) => value switch
    {
        double d => d,
        long l => l,
        EeDate date => date.Millis,
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed.ToUnixTimeMilliseconds(),
        _ => throw call.WrongType(argument, "Date"),
    };
}
