using System.Globalization;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>What an expression's algorithms need: where assets come from, and the caller's cancellation.</summary>
public sealed record ComputeContext(IImageAssets Assets, CancellationToken CancellationToken)
{
    private readonly Dictionary<string, Task<object?>> _loads = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads an asset once per evaluation: clients repeat <c>Image.load</c> of one id rather than reference it, and
    /// one image object lets every use of it share its pixel reads.
    /// </summary>
    public Task<object?> LoadOnceAsync(string kind, string id, Func<Task<object?>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var key = kind + "\n" + id;
        lock (_loads)
        {
            if (!_loads.TryGetValue(key, out var task))
            {
                task = load();
                _loads[key] = task;
            }

            return task;
        }
    }
}

/// <summary>One algorithm invocation: its evaluated arguments by name, read with Earth Engine's type checks and messages.</summary>
public sealed class AlgorithmCall(string name, IReadOnlyDictionary<string, object?> arguments, ComputeContext context)
{
    public string Name { get; } = name;

    public IReadOnlyDictionary<string, object?> Arguments { get; } = arguments;

    public ComputeContext Context { get; } = context;

    public bool Has(string argument) => Arguments.TryGetValue(argument, out var v) && v is not null;

    public object? Raw(string argument) => Arguments.GetValueOrDefault(argument);

    public object Required(string argument) => Raw(argument) ?? throw Error($"Parameter '{argument}' is required.");


    public EeFunctions.EarthEngine.Errors.EarthEngineException Error(string message) => ExpressionEvaluator.Invalid($"{Name}: {message}");

    public EeFunctions.EarthEngine.Errors.EarthEngineException WrongType(string argument, string expected) =>
        ExpressionEvaluator.Invalid($"{Name}, argument '{argument}': Invalid type. Expected type: {expected}. Actual type: {ExpressionEvaluator.TypeName(Raw(argument))}.");

    /// <summary>An image argument; a number is promoted to a constant image, as the clients' <c>ee.Image(n)</c> does.</summary>
    public EeImage Image(string argument) => Raw(argument) switch
    {
        EeImage image => image,
        double or long => ImageAlgorithms.Constant(Raw(argument)),
        IReadOnlyList<object?> list when list.All(x => x is double or long) && list.Count > 0 => ImageAlgorithms.Constants(list),
        null => throw Error($"Parameter '{argument}' is required."),
        _ => throw WrongType(argument, "Image<unknown bands>"),
    };

    public EeImage? OptionalImage(string argument) => Has(argument) ? Image(argument) : null;

    public double Number(string argument) => OptionalNumber(argument) ?? throw Error($"Parameter '{argument}' is required.");

    public double? OptionalNumber(string argument) => Raw(argument) switch
    {
        null => null,
        double d => d,
        long l => l,
        _ => throw WrongType(argument, "Float"),
    };

    public string Text(string argument) => OptionalText(argument) ?? throw Error($"Parameter '{argument}' is required.");

    public string? OptionalText(string argument) => Raw(argument) switch
    {
        null => null,
        string s => s,
        _ => throw WrongType(argument, "String"),
    };

    public bool Boolean(string argument, bool defaultValue) => Raw(argument) switch
    {
        null => defaultValue,
        bool b => b,
        double d => d != 0,
        long l => l != 0,
        _ => throw WrongType(argument, "Boolean"),
    };

    public IReadOnlyList<object?>? OptionalList(string argument) => Raw(argument) switch
    {
        null => null,
        IReadOnlyList<object?> list => list,
        _ => throw WrongType(argument, "List<Object>"),
    };

    public IReadOnlyList<double>? OptionalNumbers(string argument) => OptionalList(argument) is { } list
        ? [.. list.Select(x => x switch { double d => d, long l => (double)l, _ => throw WrongType(argument, "List<Float>") })]
        : null;

    public IReadOnlyList<string>? OptionalStrings(string argument) => OptionalList(argument) is { } list
        ? [.. list.Select(x => x as string ?? throw WrongType(argument, "List<String>"))]
        : null;

    public EeGeometry Geometry(string argument) => OptionalGeometry(argument) ?? throw Error($"Parameter '{argument}' is required.");

    public EeGeometry? OptionalGeometry(string argument) => Raw(argument) switch
    {
        null => null,
        EeGeometry g => g,
        _ => throw WrongType(argument, "Geometry"),
    };

    /// <summary>A projection argument; a CRS string is a projection with no transform.</summary>
    public EeProjection? OptionalProjection(string argument) => Raw(argument) switch
    {
        null => null,
        EeProjection p => p,
        string crs => GeometryAlgorithms.ProjectionOf(this, crs, null),
        _ => throw WrongType(argument, "Projection"),
    };

    public EeCollection Collection(string argument) => Raw(argument) switch
    {
        EeCollection c => c,
        IReadOnlyList<object?> list when list.All(x => x is EeImage) => new EeCollection([.. list.Cast<EeImage>()]),
        null => throw Error($"Parameter '{argument}' is required."),
        _ => throw WrongType(argument, "ImageCollection"),
    };

    public EeFilter Filter(string argument) => Raw(argument) switch
    {
        EeFilter f => f,
        null => throw Error($"Parameter '{argument}' is required."),
        _ => throw WrongType(argument, "Filter"),
    };

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

