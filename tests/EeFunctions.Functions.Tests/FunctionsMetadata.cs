using System.Reflection;
using System.Text.Json.Nodes;

namespace EeFunctions.Functions.Tests;

/// <summary>The functions.metadata the Functions worker SDK generated for this build: what the Functions host will index.</summary>
internal static class FunctionsMetadata
{
    private static readonly Lazy<IReadOnlyList<JsonObject>> s_functions = new(Load);

    public static IReadOnlyList<JsonObject> Functions => s_functions.Value;

    public static IEnumerable<JsonObject> Bindings(JsonObject function) => function["bindings"]!.AsArray().Select(b => b!.AsObject());

    public static JsonObject Trigger(JsonObject function) =>
        Bindings(function).Single(b => ((string)b["type"]!).EndsWith("Trigger", StringComparison.Ordinal));

    public static IEnumerable<string> NamesWithTrigger(string type) =>
        Functions.Where(f => (string)Trigger(f)["type"]! == type).Select(f => (string)f["name"]!);

    private static List<JsonObject> Load()
    {
        var folder = typeof(FunctionsMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsOutput").Value!;
        var path = Path.Combine(folder, "functions.metadata");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("functions.metadata is missing: build functions/EeFunctions.Functions first.", path);
        }

        return [.. JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(f => f!.AsObject())];
    }
}
