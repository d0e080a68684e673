using System.Globalization;
using System.Text;

namespace EeFunctions.Storage.Tables;

/// <summary>
/// Builds OData filter strings from interpolated strings, formatting each value as an OData literal and escaping
/// quotes in strings (as Azure.Data.Tables.TableOdataFilter): <c>$"PartitionKey eq {pk} and Count gt {n}"</c>.
/// </summary>
public static class TableOdataFilter
{
    public static string Create(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var arguments = filter.GetArguments().Select(Literal).ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, filter.Format, arguments);
    }

    /// <summary>One value as an OData literal.</summary>
    public static string Literal(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int or short or byte or sbyte or ushort => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        long or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) + "L",
        double or float => DoubleLiteral(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset d => $"datetime'{TableEntitySerializer.FormatDateTime(d)}'",
        DateTime d => $"datetime'{TableEntitySerializer.FormatDateTime(TableEntitySerializer.ToDateTimeOffset(d))}'",
        Guid g => $"guid'{g:D}'",
        byte[] bytes => $"X'{Convert.ToHexStringLower(bytes)}'",
        BinaryData data => $"X'{Convert.ToHexStringLower(data.ToMemory().Span)}'",
        string s => Quote(s),
        char c => Quote(c.ToString()),
        _ => Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    private static string DoubleLiteral(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        // Keep the literal a Double (2.0, not the Int32 2) so it compares with Edm.Double properties.
        return double.IsFinite(value) && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('E', StringComparison.Ordinal) ? text + ".0" : text;
    }

    private static string Quote(string value) => new StringBuilder(value.Length + 2).Append('\'').Append(value.Replace("'", "''", StringComparison.Ordinal)).Append('\'').ToString();
}
