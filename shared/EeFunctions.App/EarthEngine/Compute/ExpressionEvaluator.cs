using System.Globalization;
using System.Text.Json;
using EeFunctions.EarthEngine.Errors;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>
/// Evaluates an Earth Engine <c>Expression</c> (<c>result</c> + <c>values</c>): every ValueNode kind, references
/// anywhere (each value evaluated once), function definitions called through <c>functionReference</c>, and
/// algorithms from <see cref="Algorithms"/>. Images come out lazy: their pixels are computed only when a grid asks.
/// Any error is an INVALID_ARGUMENT <see cref="EarthEngineException"/> in Earth Engine's wording.
/// </summary>
public sealed class ExpressionEvaluator
{
    private const int MaxDepth = 256;
    private readonly Dictionary<string, JsonElement> _values;
    private readonly string _result;
    private readonly Dictionary<string, Task<object?>> _memo = new(StringComparer.Ordinal);
    private readonly HashSet<string> _evaluating = new(StringComparer.Ordinal);
    private readonly ComputeContext _context;

    private ExpressionEvaluator(Dictionary<string, JsonElement> values, string result, ComputeContext context)
    {
        _values = values;
        _result = result;
        _context = context;
    }

    /// <summary>Checks the expression's shape (a <c>result</c> naming one of its <c>values</c>) and prepares it.</summary>
    public static ExpressionEvaluator Parse(JsonElement? expression, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (expression is not { ValueKind: JsonValueKind.Object } e)
        {
            throw Invalid("expression is required.");
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        string? result = null;
        foreach (var property in e.EnumerateObject())
        {
            switch (property.Name)
            {
                case "result" when property.Value.ValueKind == JsonValueKind.String:
                    result = property.Value.GetString();
                    break;
                case "values" when property.Value.ValueKind == JsonValueKind.Object:
                    foreach (var value in property.Value.EnumerateObject())
                    {
                        values[value.Name] = value.Value;
                    }

                    break;
                case "result" or "values":
                    throw Invalid($"Invalid JSON payload received. Invalid value at 'expression.{property.Name}'.");
                default:
                    throw Invalid($"Invalid JSON payload received. Unknown name \"{property.Name}\" at 'expression': Cannot find field.");
            }
        }

        if (string.IsNullOrEmpty(result))
        {
            throw Invalid("expression.result is required.");
        }

        if (!values.ContainsKey(result))
        {
            throw Invalid($"expression.result '{result}' is not one of expression.values.");
        }

        return new ExpressionEvaluator(values, result, context);
    }

    /// <summary>The value of the expression's result.</summary>
    public Task<object?> EvaluateAsync() => ReferenceAsync(_result, null, 0);

    /// <summary>Evaluates the expression and requires an image.</summary>
    public async Task<EeImage> EvaluateImageAsync()
    {
        var value = await EvaluateAsync();
        return value switch
        {
            EeImage image => image,
            double or long => ImageAlgorithms.Constant(value),
            _ => throw Invalid($"The expression must evaluate to an Image, but it evaluates to {TypeName(value)}."),
        };
    }

    internal static EarthEngineException Invalid(string message) => new(EeStatusCode.InvalidArgument, message);

    internal static string TypeName(object? value) => value switch
    {
        null => "null",
        bool => "Boolean",
        double or long => "Number",
        string => "String",
        byte[] => "Bytes",
        IReadOnlyList<object?> => "List",
        IReadOnlyDictionary<string, object?> => "Dictionary",
        EeImage => "Image",
        EeCollection => "ImageCollection",
        EeGeometry => "Geometry",
        EeProjection => "Projection",
        EeFilter => "Filter",
        EeDate => "Date",
        EeDateRange => "DateRange",
        EeFunction => "Function",
        _ => value.GetType().Name,
    };

    private Task<object?> ReferenceAsync(string key, Scope? scope, int depth)
    {
        if (!_values.TryGetValue(key, out var node))
        {
            throw Invalid($"Expression: value '{key}' is referenced but not defined in expression.values.");
        }

        if (scope is not null)
        {
            // Inside a function body the value may use the call's arguments: evaluated per call.
            return NodeAsync(node, scope, depth + 1);
        }

        // A value still being evaluated is a cycle (evaluation is sequential), even when its pending task is memoized.
        if (!_evaluating.Add(key))
        {
            throw Invalid($"Expression: value '{key}' refers to itself (expression.values must be acyclic).");
        }

        if (_memo.TryGetValue(key, out var done))
        {
            _evaluating.Remove(key);
            return done;
        }

        var task = EvaluateOnceAsync(key, node, depth);
        _memo[key] = task;
        return task;
    }

    private async Task<object?> EvaluateOnceAsync(string key, JsonElement node, int depth)
    {
        try
        {
            return await NodeAsync(node, null, depth + 1);
        }
        finally
        {
            _evaluating.Remove(key);
        }
    }

    private async Task<object?> NodeAsync(JsonElement node, Scope? scope, int depth)
    {
        _context.CancellationToken.ThrowIfCancellationRequested();
        if (depth > MaxDepth)
        {
            throw Invalid($"Expression: nesting deeper than {MaxDepth} levels.");
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"Expression: a ValueNode must be an object, not {node.ValueKind}.");
        }

        JsonProperty? kind = null;
        foreach (var property in node.EnumerateObject())
        {
            if (kind is not null)
            {
                throw Invalid($"Expression: a ValueNode sets exactly one of its fields; this one sets '{kind.Value.Name}' and '{property.Name}'.");
            }

            kind = property;
        }

        if (kind is not { } k)
        {
            throw Invalid("Expression: a ValueNode sets none of its fields.");
        }

        var v = k.Value;
        switch (k.Name)
        {
            case "constantValue":
                return Constant(v);
            case "integerValue":
                return v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l
                    : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out l) ? l
                    : throw Invalid("Expression: integerValue must be an int64 (a decimal string).");
            case "bytesValue":
                try
                {
                    return Convert.FromBase64String(v.GetString() ?? string.Empty);
                }
                catch (Exception ex) when (ex is FormatException or InvalidOperationException)
                {
                    throw Invalid("Expression: bytesValue must be base64.");
                }

            case "arrayValue":
                {
                    var list = new List<object?>();
                    if (v.ValueKind != JsonValueKind.Object || (v.TryGetProperty("values", out var items) && items.ValueKind != JsonValueKind.Array))
                    {
                        throw Invalid("Expression: arrayValue must be {\"values\": [ValueNode, …]}.");
                    }

                    if (v.TryGetProperty("values", out items))
                    {
                        foreach (var item in items.EnumerateArray())
                        {
                            list.Add(await NodeAsync(item, scope, depth + 1));
                        }
                    }

                    return list;
                }

            case "dictionaryValue":
                {
                    var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                    if (v.ValueKind != JsonValueKind.Object || (v.TryGetProperty("values", out var items) && items.ValueKind != JsonValueKind.Object))
                    {
                        throw Invalid("Expression: dictionaryValue must be {\"values\": {key: ValueNode, …}}.");
                    }

                    if (v.TryGetProperty("values", out items))
                    {
                        foreach (var item in items.EnumerateObject())
                        {
                            dictionary[item.Name] = await NodeAsync(item.Value, scope, depth + 1);
                        }
                    }

                    return dictionary;
                }

            case "functionDefinitionValue":
                {
                    if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.String)
                    {
                        throw Invalid("Expression: functionDefinitionValue needs a body (the key of a value).");
                    }

                    var names = v.TryGetProperty("argumentNames", out var argNames) && argNames.ValueKind == JsonValueKind.Array
                        ? argNames.EnumerateArray().Select(a => a.GetString() ?? string.Empty).ToList()
                        : [];
                    return new EeFunction(names, body.GetString()!);
                }

            case "functionInvocationValue":
                return await InvokeAsync(v, scope, depth);
            case "argumentReference":
                {
                    var name = v.GetString() ?? string.Empty;
                    return scope is not null && scope.TryGet(name, out var argument)
                        ? argument
                        : throw Invalid($"Expression: argumentReference '{name}' is not an argument of an enclosing function.");
                }

            case "valueReference":
                return await ReferenceAsync(v.GetString() ?? string.Empty, scope, depth);
            default:
                throw Invalid($"Invalid JSON payload received. Unknown name \"{k.Name}\" in a ValueNode: Cannot find field.");
        }
    }

    private async Task<object?> InvokeAsync(JsonElement invocation, Scope? scope, int depth)
    {
        if (invocation.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("Expression: functionInvocationValue must be an object.");
        }

        var name = invocation.TryGetProperty("functionName", out var fn) ? fn.GetString() : null;
        var reference = invocation.TryGetProperty("functionReference", out var fr) ? fr.GetString() : null;
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (invocation.TryGetProperty("arguments", out var args))
        {
            if (args.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("Expression: functionInvocationValue.arguments must be an object.");
            }

            foreach (var argument in args.EnumerateObject())
            {
                arguments[argument.Name] = await NodeAsync(argument.Value, scope, depth + 1);
            }
        }

        if (!string.IsNullOrEmpty(reference))
        {
            if (await ReferenceAsync(reference, scope, depth) is not EeFunction function)
            {
                throw Invalid($"Expression: functionReference '{reference}' is not a function definition.");
            }

            var unknown = arguments.Keys.FirstOrDefault(a => !function.ArgumentNames.Contains(a));
            if (unknown is not null)
            {
                throw Invalid($"Expression: the function '{reference}' has no argument '{unknown}'.");
            }

            var bound = new Scope(scope, function.ArgumentNames.ToDictionary(a => a, a => arguments.GetValueOrDefault(a), StringComparer.Ordinal));
            return await ReferenceAsync(function.Body, bound, depth);
        }

        if (string.IsNullOrEmpty(name))
        {
            throw Invalid("Expression: functionInvocationValue needs a functionName or a functionReference.");
        }

        var algorithm = Algorithms.Find(name)
            ?? throw Invalid($"Algorithm '{name}' is not supported by this server.");
        return await algorithm.InvokeAsync(new AlgorithmCall(name, arguments, _context));
    }

    /// <summary>A JSON literal as a value: numbers are doubles, lists and objects nest.</summary>
    internal static object? Constant(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => value.EnumerateArray().Select(Constant).ToList(),
        _ => value.EnumerateObject().ToDictionary(p => p.Name, p => Constant(p.Value), StringComparer.Ordinal),
    };

    private sealed class Scope(Scope? parent, Dictionary<string, object?> arguments)
    {
        public bool TryGet(string name, out object? value)
        {
            if (arguments.TryGetValue(name, out value))
            {
                return true;
            }

            if (parent is not null)
            {
                return parent.TryGet(name, out value);
            }

            value = null;
            return false;
        }
    }
}
