using System.Runtime.CompilerServices;

namespace EeFunctions.Durable.Client;

/// <summary>A sequence fetched page by page (the shape of Azure.Core's <c>AsyncPageable</c>).</summary>
public abstract class AsyncPageable<T> : IAsyncEnumerable<T>
    where T : notnull
{
    /// <summary>Enumerates the pages, starting after <paramref name="continuationToken"/>.</summary>
    public abstract IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null);

    /// <inheritdoc />
    public virtual async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var page in AsPages().WithCancellation(cancellationToken))
        {
            foreach (var value in page.Values)
            {
                yield return value;
            }
        }
    }

}

/// <summary>Creates pageables.</summary>
public static class AsyncPageable
{
    /// <summary>Creates a pageable from a function that fetches one page.</summary>
    public static AsyncPageable<T> Create<T>(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage)
        where T : notnull => new FuncAsyncPageable<T>(fetchPage);

    private sealed class FuncAsyncPageable<T>(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage) : AsyncPageable<T>
        where T : notnull
    {
        public override IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null) =>
            EnumerateAsync(continuationToken, pageSizeHint);

        private async IAsyncEnumerable<Page<T>> EnumerateAsync(string? token, int? pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            do
            {
                var page = await fetchPage(token, pageSize, cancellationToken);
                yield return page;
                token = page.ContinuationToken;
            }
            while (!string.IsNullOrEmpty(token));
        }
    }
}

/// <summary>One page of results.</summary>
public sealed class Page<T>
{
    /// <summary>Creates a page.</summary>
    public Page(IReadOnlyList<T> values, string? continuationToken)
    {
        Values = values;
        ContinuationToken = continuationToken;
    }

    /// <summary>The values on this page (possibly fewer than the page size).</summary>
    public IReadOnlyList<T> Values { get; }

    /// <summary>Where the next page starts; null or empty when this is the last page.</summary>
    public string? ContinuationToken { get; }
}
