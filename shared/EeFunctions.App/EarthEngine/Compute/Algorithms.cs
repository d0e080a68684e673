namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>An algorithm this server evaluates: its argument names and its implementation.</summary>
public sealed class AlgorithmDefinition(string name, IReadOnlyList<string> argumentNames, Func<AlgorithmCall, Task<object?>> invoke)
{
    public string Name { get; } = name;

    public IReadOnlyList<string> ArgumentNames { get; } = argumentNames;

    /// <summary>Checks the argument names, then runs the algorithm.</summary>
    public Task<object?> InvokeAsync(AlgorithmCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var unknown = call.Arguments.Keys.FirstOrDefault(a => !ArgumentNames.Contains(a));
        if (unknown is not null)
        {
            throw call.Error($"Unrecognized argument '{unknown}' (arguments: {string.Join(", ", ArgumentNames)}).");
        }

        return invoke(call);
    }
}

/// <summary>The algorithms expressions may call (a subset of Earth Engine's; any other is refused by name).</summary>
public static class Algorithms
{
    private static readonly Dictionary<string, AlgorithmDefinition> All = Build();

    /// <summary>The names this server evaluates.</summary>
    public static IReadOnlyCollection<string> Names => All.Keys;

    public static AlgorithmDefinition? Find(string name) => All.GetValueOrDefault(name);

    private static Dictionary<string, AlgorithmDefinition> Build()
    {
        var builder = new Builder();
        ImageAlgorithms.Register(builder);
        GeometryAlgorithms.Register(builder);
        CollectionAlgorithms.Register(builder);
        return builder.Definitions;
    }

    /// <summary>Collects definitions.</summary>
    public sealed class Builder
    {
        internal Dictionary<string, AlgorithmDefinition> Definitions { get; } = new(StringComparer.Ordinal);

        public void Async(string name, IReadOnlyList<string> arguments, Func<AlgorithmCall, Task<object?>> invoke) =>
            Definitions.Add(name, new AlgorithmDefinition(name, arguments, invoke));

        public void Sync(string name, IReadOnlyList<string> arguments, Func<AlgorithmCall, object?> invoke) =>
            Definitions.Add(name, new AlgorithmDefinition(name, arguments, call => Task.FromResult(invoke(call))));
    }
}
