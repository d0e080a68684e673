using Azure;

namespace EeFunctions.Storage.Tables;

/// <summary>An <see cref="AsyncPageable{T}"/> that fetches one page per call, following continuation tokens.</summary>
internal sealed class TablePageable<T>(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage, int? defaultPageSize, CancellationToken cancellationToken)
    : AsyncPageable<T>(cancellationToken)
    where T : notnull
{
    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        var token = continuationToken;
        do
        {
            var page = await fetchPage(token, pageSizeHint ?? defaultPageSize, CancellationToken);
            yield return page;
            token = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(token));
    }
}
