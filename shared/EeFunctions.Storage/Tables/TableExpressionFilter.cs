using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.Serialization;

namespace EeFunctions.Storage.Tables;

/// <summary>
/// Translates a predicate over an entity type into an OData filter, as the official client's LINQ support:
/// comparisons (<c>== != &lt; &lt;= &gt; &gt;=</c>) of entity properties with values (constants or captured
/// variables), <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, boolean properties, <c>string.CompareTo(..) op 0</c> for
/// string ranges, and on <see cref="TableEntity"/> the typed getters (<c>e.GetInt32("Count") &gt; 3</c>) and the indexer.
/// </summary>
internal static class TableExpressionFilter
{
    public static string Translate<T>(Expression<Func<T, bool>> filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Visit(filter.Body, filter.Parameters[0]);
    }

    private static string Visit(Expression node, ParameterExpression entity)
    {
        node = StripConvert(node);
        switch (node)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.And } and:
                return $"({Visit(and.Left, entity)}) and ({Visit(and.Right, entity)})";
            case BinaryExpression { NodeType: ExpressionType.OrElse or ExpressionType.Or } or:
                return $"({Visit(or.Left, entity)}) or ({Visit(or.Right, entity)})";
            case UnaryExpression { NodeType: ExpressionType.Not } not:
                return $"not ({Visit(not.Operand, entity)})";
            case BinaryExpression comparison when Operator(comparison.NodeType) is not null:
                return Comparison(comparison, entity);
            case MemberExpression or MethodCallExpression when References(node, entity) && (node.Type == typeof(bool) || node.Type == typeof(bool?)):
                return $"{PropertyName(node, entity)} eq true";
            case ConstantExpression { Value: bool b }:
                return b ? "true" : "false";
            default:
                throw Unsupported(node);
        }
    }

    private static string Comparison(BinaryExpression comparison, ParameterExpression entity)
    {
        var op = Operator(comparison.NodeType)!;
        var left = StripConvert(comparison.Left);
        var right = StripConvert(comparison.Right);

        // a.CompareTo(b) op 0  =>  a op b  (string ranges)
        if (left is MethodCallExpression { Method.Name: "CompareTo", Object: { } compared } call && call.Arguments.Count == 1 &&
            Evaluate(right) is 0)
        {
            left = StripConvert(compared);
            right = StripConvert(call.Arguments[0]);
        }

        var leftIsEntity = References(left, entity);
        var rightIsEntity = References(right, entity);
        if (leftIsEntity == rightIsEntity)
        {
            throw new NotSupportedException($"A table filter compares one entity property with a value; '{comparison}' does not.");
        }

        if (rightIsEntity)
        {
            (left, right) = (right, left);
            op = Flip(op);
        }

        // Enums are stored by name; the compiler compares them as numbers (Convert(e.State) == 1).
        var value = Evaluate(right);
        var propertyType = Nullable.GetUnderlyingType(left.Type) ?? left.Type;
        if (propertyType.IsEnum && value is not null)
        {
            value = Enum.ToObject(propertyType, value).ToString();
        }

        return $"{PropertyName(left, entity)} {op} {TableOdataFilter.Literal(value)}";
    }

    private static string PropertyName(Expression node, ParameterExpression entity)
    {
        node = StripConvert(node);
        switch (node)
        {
            case MemberExpression { Expression: { } owner, Member: PropertyInfo property } when StripConvert(owner) == entity:
                return property.GetCustomAttribute<DataMemberAttribute>()?.Name ?? property.Name;
            case MethodCallExpression { Object: { } owner, Method.Name: var name, Arguments: [var key] } call
                when StripConvert(owner) == entity && (name == "get_Item" || name.StartsWith("Get", StringComparison.Ordinal)) && call.Method.DeclaringType == typeof(TableEntity):
                return Evaluate(key) as string ?? throw Unsupported(node);
            default:
                throw Unsupported(node);
        }
    }

    private static object? Evaluate(Expression node) => StripConvert(node) switch
    {
        ConstantExpression constant => constant.Value,
        MemberExpression { Expression: ConstantExpression closure, Member: FieldInfo field } => field.GetValue(closure.Value),
        MemberExpression { Expression: ConstantExpression closure, Member: PropertyInfo property } => property.GetValue(closure.Value),
        var other => Expression.Lambda(other).Compile().DynamicInvoke(),
    };

    private static Expression StripConvert(Expression node)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            node = convert.Operand;
        }

        return node;
    }

    private static string? Operator(ExpressionType type) => type switch
    {
        ExpressionType.Equal => "eq",
        ExpressionType.NotEqual => "ne",
        ExpressionType.GreaterThan => "gt",
        ExpressionType.GreaterThanOrEqual => "ge",
        ExpressionType.LessThan => "lt",
        ExpressionType.LessThanOrEqual => "le",
        _ => null,
    };

    private static string Flip(string op) => op switch
    {
        "gt" => "lt",
        "ge" => "le",
        "lt" => "gt",
        "le" => "ge",
        _ => op,
    };

    private static bool References(Expression node, ParameterExpression entity)
    {
        var finder = new ParameterFinder(entity);
        finder.Visit(node);
        return finder.Found;
    }

    private static NotSupportedException Unsupported(Expression node) =>
        new($"The table filter cannot translate '{node}'. Use comparisons of entity properties with values, &&, || and !, or a string filter from TableClient.CreateQueryFilter.");

    private sealed class ParameterFinder(ParameterExpression parameter) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found |= node == parameter;
            return node;
        }
    }
}
