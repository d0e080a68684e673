using Azure;

namespace EeFunctions.Storage.Queues;

/// <summary>An <see cref="AsyncPageable{T}"/> that fetches one page per call, following continuation markers.</summary>
internal sealed class QueuePageable<T>(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage, CancellationToken cancellationToken)
    : AsyncPageable<T>(cancellationToken)
    where T : notnull
{
    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        var token = continuationToken;
        do
        {
            var page = await fetchPage(token, pageSizeHint, CancellationToken);
            yield return page;
            token = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(token));
    }
}
