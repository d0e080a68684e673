namespace EeFunctions.Storage.Tables;

/// <summary>Table URLs and entity paths.</summary>
internal static class TableUri
{
    /// <summary>Splits <c>{service}/{table}[?sas]</c> into the service endpoint (keeping the SAS) and the table name.</summary>
    public static (Uri ServiceUri, string TableName) Split(Uri tableUri)
    {
        ArgumentNullException.ThrowIfNull(tableUri);
        var path = tableUri.AbsolutePath.TrimEnd('/');
        var slash = path.LastIndexOf('/');
        var name = Uri.UnescapeDataString(path[(slash + 1)..]);
        if (name.Length == 0)
        {
            throw new ArgumentException($"The table URL '{tableUri.GetLeftPart(UriPartial.Path)}' does not name a table.", nameof(tableUri));
        }

        var service = new UriBuilder(tableUri) { Path = path[..Math.Max(slash, 0)] }.Uri;
        return (service, name);
    }

    /// <summary><c>{table}(PartitionKey='..',RowKey='..')</c>, keys quoted for OData and escaped for the URL.</summary>
    public static string EntityPath(string escapedTable, string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        return $"{escapedTable}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";
    }

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));
}
