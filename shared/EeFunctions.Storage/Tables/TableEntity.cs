using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Azure;

namespace EeFunctions.Storage.Tables;

/// <summary>
/// A schemaless entity: its properties in a dictionary, plus the system properties (as Azure.Data.Tables.TableEntity).
/// Values keep their OData types: string, int, long, double, bool, DateTimeOffset, Guid, byte[].
/// The typed getters return null for a missing property and throw <see cref="InvalidOperationException"/> for one of another type.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Mirrors Azure.Data.Tables.TableEntity.")]
public sealed class TableEntity : ITableEntity, IDictionary<string, object?>
{
    internal const string PartitionKeyName = "PartitionKey";
    internal const string RowKeyName = "RowKey";
    internal const string TimestampName = "Timestamp";
    internal const string ETagName = "odata.etag";

    private readonly Dictionary<string, object?> _properties;

    public TableEntity()
        : this(null)
    {
    }

    public TableEntity(string partitionKey, string rowKey)
        : this(null)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public TableEntity(IDictionary<string, object?>? values)
    {
        _properties = values is null ? new Dictionary<string, object?>(StringComparer.Ordinal) : new Dictionary<string, object?>(values, StringComparer.Ordinal);
    }

    public string PartitionKey
    {
        get => GetString(PartitionKeyName) ?? string.Empty;
        set => _properties[PartitionKeyName] = value;
    }

    public string RowKey
    {
        get => GetString(RowKeyName) ?? string.Empty;
        set => _properties[RowKeyName] = value;
    }

    public DateTimeOffset? Timestamp
    {
        get => GetDateTimeOffset(TimestampName);
        set => _properties[TimestampName] = value;
    }

    public ETag ETag
    {
        get => _properties.TryGetValue(ETagName, out var value) && value is string s ? new ETag(s) : default;
        set => _properties[ETagName] = value == default ? null : value.ToString();
    }

    public object? this[string key]
    {
        get => _properties.TryGetValue(key, out var value) ? value : null;
        set => _properties[key] = value;
    }

    public ICollection<string> Keys => _properties.Keys;

    public ICollection<object?> Values => _properties.Values;

    public int Count => _properties.Count;

    bool ICollection<KeyValuePair<string, object?>>.IsReadOnly => false;

    public string? GetString(string key) => GetValue(key) switch
    {
        null => null,
        string s => s,
        var other => throw Mismatch(key, other, "String"),
    };

    public int? GetInt32(string key) => GetValue(key) switch
    {
        null => null,
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        var other => throw Mismatch(key, other, "Int32"),
    };

    public long? GetInt64(string key) => GetValue(key) switch
    {
        null => null,
        long l => l,
        int i => i,
        var other => throw Mismatch(key, other, "Int64"),
    };

    public double? GetDouble(string key) => GetValue(key) switch
    {
        null => null,
        double d => d,
        int i => i,
        long l => l,
        float f => f,
        var other => throw Mismatch(key, other, "Double"),
    };

    public bool? GetBoolean(string key) => GetValue(key) switch
    {
        null => null,
        bool b => b,
        var other => throw Mismatch(key, other, "Boolean"),
    };

    public DateTimeOffset? GetDateTimeOffset(string key) => GetValue(key) switch
    {
        null => null,
        DateTimeOffset d => d,
        DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime()),
        var other => throw Mismatch(key, other, "DateTimeOffset"),
    };

    public DateTime? GetDateTime(string key) => GetDateTimeOffset(key)?.UtcDateTime;

    public Guid? GetGuid(string key) => GetValue(key) switch
    {
        null => null,
        Guid g => g,
        string s when Guid.TryParse(s, out var g) => g,
        var other => throw Mismatch(key, other, "Guid"),
    };

    public byte[]? GetBinary(string key) => GetValue(key) switch
    {
        null => null,
        byte[] b => b,
        BinaryData b => b.ToArray(),
        ReadOnlyMemory<byte> m => m.ToArray(),
        var other => throw Mismatch(key, other, "Binary"),
    };

    public BinaryData? GetBinaryData(string key) => GetBinary(key) is { } bytes ? BinaryData.FromBytes(bytes) : null;

    public void Add(string key, object? value) => _properties.Add(key, value);

    public bool ContainsKey(string key) => _properties.ContainsKey(key);

    public bool Remove(string key) => _properties.Remove(key);

    public bool TryGetValue(string key, out object? value) => _properties.TryGetValue(key, out value);

    public void Clear() => _properties.Clear();

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void ICollection<KeyValuePair<string, object?>>.Add(KeyValuePair<string, object?> item) => _properties.Add(item.Key, item.Value);

    bool ICollection<KeyValuePair<string, object?>>.Contains(KeyValuePair<string, object?> item) => ((ICollection<KeyValuePair<string, object?>>)_properties).Contains(item);

    void ICollection<KeyValuePair<string, object?>>.CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, object?>>)_properties).CopyTo(array, arrayIndex);

    bool ICollection<KeyValuePair<string, object?>>.Remove(KeyValuePair<string, object?> item) => ((ICollection<KeyValuePair<string, object?>>)_properties).Remove(item);

    private object? GetValue(string key) => _properties.TryGetValue(key, out var value) ? value : null;

    private static InvalidOperationException Mismatch(string key, object value, string wanted) =>
        new($"Property '{key}' is a {value.GetType().Name}, not a {wanted}.");
}
