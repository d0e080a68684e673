using Azure;
using EeFunctions.Storage.Tables;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Tables;

/// <summary>One table of 2,500 entities (5 partitions × 500 rows), seeded once for the paging tests.</summary>
public sealed class PagedTableFixture : IAsyncLifetime
{
    public const int Partitions = 5;
    public const int RowsPerPartition = 500;
    public const int Total = Partitions * RowsPerPartition;

    public TableClient Table { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var azurite = await SharedAzurite.GetAsync();
        Table = new TableClient(azurite.ConnectionString, AzuriteFixture.UniqueName("paged"));
        await Table.CreateAsync();
        var batches = Enumerable.Range(0, Partitions).SelectMany(p => Enumerable.Range(0, RowsPerPartition / 100).Select(b => (p, b)));
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
        {
            var actions = Enumerable.Range(batch.b * 100, 100).Select(i =>
            {
                var entity = new TableEntity($"p{batch.p}", $"r{i:D4}")
                {
                    ["Index"] = (batch.p * RowsPerPartition) + i,
                    ["Big"] = 10_000_000_000L + i,
                    ["Label"] = i % 2 == 0 ? "even" : "odd",
                    ["Payload"] = new string('x', 64),
                };
                return new TableTransactionAction(TableTransactionActionType.Add, entity);
            });
            await Table.SubmitTransactionAsync(actions, ct);
        });
    }

    public Task DisposeAsync() => Table.DeleteAsync();
}

public sealed class TableQueryTests(PagedTableFixture paged) : IClassFixture<PagedTableFixture>
{
    private readonly TableClient _table = paged.Table;

    [Fact]
    public async Task Query_without_a_page_size_returns_all_entities_in_pages_of_at_most_1000()
    {
        var pages = new List<Page<TableEntity>>();
        await foreach (var page in _table.QueryAsync<TableEntity>().AsPages())
        {
            pages.Add(page);
        }

        var all = pages.SelectMany(p => p.Values).ToList();
        Assert.Equal(PagedTableFixture.Total, all.Count);
        Assert.Equal(PagedTableFixture.Total, all.Select(e => (e.PartitionKey, e.RowKey)).Distinct().Count());
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.InRange(p.Values.Count, 1, 1000));
        Assert.Null(pages[^1].ContinuationToken);
    }

    [Fact]
    public async Task Query_with_a_page_size_returns_pages_of_that_size()
    {
        var sizes = new List<int>();
        await foreach (var page in _table.QueryAsync<TableEntity>(maxPerPage: 700).AsPages())
        {
            sizes.Add(page.Values.Count);
        }

        Assert.Equal([700, 700, 700, 400], sizes);
    }

    [Fact]
    public async Task A_page_size_above_the_service_cap_gives_pages_of_1000()
    {
        var sizes = new List<int>();
        await foreach (var page in _table.QueryAsync<TableEntity>(maxPerPage: 5000).AsPages())
        {
            sizes.Add(page.Values.Count);
        }

        Assert.Equal([1000, 1000, 500], sizes);
    }

    [Fact]
    public async Task Paging_resumes_from_a_saved_continuation_token()
    {
        string? token = null;
        var firstRun = new List<string>();
        await foreach (var page in _table.QueryAsync<TableEntity>(maxPerPage: 900).AsPages())
        {
            firstRun.AddRange(page.Values.Select(Key));
            token = page.ContinuationToken;
            break;
        }

        Assert.NotNull(token);
        var resumed = new List<string>();
        await foreach (var page in _table.QueryAsync<TableEntity>(maxPerPage: 900).AsPages(token))
        {
            resumed.AddRange(page.Values.Select(Key));
        }

        Assert.Equal(900, firstRun.Count);
        Assert.Equal(PagedTableFixture.Total - 900, resumed.Count);
        Assert.Empty(firstRun.Intersect(resumed));
        Assert.Equal(PagedTableFixture.Total, firstRun.Union(resumed).Count());
    }

    [Fact]
    public async Task Filter_select_and_top_narrow_the_result()
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {"p1"} and Index ge {600} and Index lt {700} and Label eq {"even"}");
        var pages = new List<Page<TableEntity>>();
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: 10, select: ["Index", "Label"]).AsPages())
        {
            pages.Add(page);
        }

        var all = pages.SelectMany(p => p.Values).ToList();
        Assert.Equal(10, pages[0].Values.Count);
        Assert.NotNull(pages[0].ContinuationToken);
        Assert.Equal(50, all.Count);
        Assert.All(all, e =>
        {
            Assert.InRange(e.GetInt32("Index")!.Value, 600, 699);
            Assert.Equal(0, e.GetInt32("Index")!.Value % 2);
            Assert.Equal("even", e.GetString("Label"));
            Assert.False(e.ContainsKey("Payload"));
            Assert.False(e.ContainsKey("Big"));
        });
    }

    [Fact]
    public async Task Filters_on_Int64_values_compare_as_numbers()
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {"p0"} and Big ge {10_000_000_495L}");

        var found = new List<TableEntity>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter))
        {
            found.Add(entity);
        }

        Assert.Equal(["r0495", "r0496", "r0497", "r0498", "r0499"], found.Select(e => e.RowKey));
        Assert.All(found, e => Assert.IsType<long>(e["Big"]));
    }

    private static string Key(TableEntity e) => e.PartitionKey + "/" + e.RowKey;
}
