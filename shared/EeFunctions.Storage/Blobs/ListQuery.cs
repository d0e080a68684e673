using System.Globalization;
using System.Xml.Linq;
using Azure;

namespace EeFunctions.Storage.Blobs;

/// <summary>Query and response pieces of the blob service's XML listings.</summary>
internal static class ListQuery
{
    public static string Build(string? prefix, string? delimiter, string? marker, int? pageSize, bool includeMetadata)
    {
        var q = string.Empty;
        if (!string.IsNullOrEmpty(prefix))
        {
            q += "&prefix=" + Uri.EscapeDataString(prefix);
        }

        if (!string.IsNullOrEmpty(delimiter))
        {
            q += "&delimiter=" + Uri.EscapeDataString(delimiter);
        }

        if (!string.IsNullOrEmpty(marker))
        {
            q += "&marker=" + Uri.EscapeDataString(marker);
        }

        if (pageSize is > 0)
        {
            q += "&maxresults=" + Math.Min(pageSize.Value, 5000).ToString(CultureInfo.InvariantCulture);
        }

        if (includeMetadata)
        {
            q += "&include=metadata";
        }

        return q;
    }

    public static string? NextMarker(XDocument doc)
    {
        var next = (string?)doc.Root?.Element("NextMarker");
        return string.IsNullOrEmpty(next) ? null : next;
    }

    public static DateTimeOffset? ParseDate(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
}

/// <summary>An <see cref="AsyncPageable{T}"/> over a marker-continued listing.</summary>
internal sealed class XmlListPageable<T>(
    Func<string?, int?, CancellationToken, Task<(IReadOnlyList<T> Items, string? Next, Response Response)>> fetch,
    CancellationToken cancellationToken) : AsyncPageable<T>(cancellationToken)
    where T : notnull
{
    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        var marker = continuationToken;
        do
        {
            var (items, next, response) = await fetch(marker, pageSizeHint, CancellationToken);
            yield return Page<T>.FromValues(items, next, response);
            marker = next;
        }
        while (marker is not null);
    }
}
