using System.Runtime.Serialization;
using Azure;
using EeFunctions.Storage.Tables;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Tables;

public sealed class TableExpressionFilterTests(AzuriteFixture azurite) : TableTestBase(azurite)
{
    [Fact]
    public void Comparisons_with_constants_and_captured_values_become_OData_literals()
    {
        var partition = "o'brien";
        var since = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var job = new Job { Attempts = 3 };

        var filter = TableClient.CreateQueryFilter<Job>(e =>
            e.PartitionKey == partition && e.Attempts > job.Attempts && e.Bytes <= 10L && e.StartedOn >= since && !e.Done);

        Assert.Equal(
            "((((PartitionKey eq 'o''brien') and (Attempts gt 3)) and (Bytes le 10L)) and (StartedOn ge datetime'2024-01-02T03:04:05.0000000Z')) and (not (Done eq true))",
            filter);
    }

    [Fact]
    public void Value_on_the_left_flips_the_operator_and_CompareTo_expresses_string_ranges()
    {
        Assert.Equal("Attempts lt 5", TableClient.CreateQueryFilter<Job>(e => 5 > e.Attempts));
        Assert.Equal("(RowKey ge 'a') and (RowKey lt 'b')", TableClient.CreateQueryFilter<Job>(e => e.RowKey.CompareTo("a") >= 0 && e.RowKey.CompareTo("b") < 0));
        Assert.Equal("(State eq 'Running') or (wire_name ne 'x')", TableClient.CreateQueryFilter<Job>(e => e.State == JobState.Running || e.Renamed != "x"));
    }

    [Fact]
    public void TableEntity_getters_and_indexer_name_the_property()
    {
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");

        var filter = TableClient.CreateQueryFilter<TableEntity>(e => e.GetInt32("Count") >= 2 && e.GetGuid("Id") == id && (string?)e["Label"] == "even");

        Assert.Equal("((Count ge 2) and (Id eq guid'6f9619ff-8b86-d011-b42d-00c04fc964ff')) and (Label eq 'even')", filter);
    }

    [Fact]
    public void Predicates_it_cannot_translate_are_refused()
    {
        Assert.Throws<NotSupportedException>(() => TableClient.CreateQueryFilter<Job>(e => e.Attempts == e.Bytes));
        Assert.Throws<NotSupportedException>(() => TableClient.CreateQueryFilter<Job>(e => e.RowKey.StartsWith('a')));
    }

    [Fact]
    public async Task A_predicate_query_returns_the_matching_entities()
    {
        var table = await NewTableAsync();
        for (var i = 0; i < 6; i++)
        {
            await table.AddEntityAsync(new Job { PartitionKey = "jobs", RowKey = $"j{i}", Attempts = i, Done = i % 2 == 0, State = i < 3 ? JobState.Queued : JobState.Running });
        }

        var minimum = 2;
        var found = new List<Job>();
        await foreach (var job in table.QueryAsync<Job>(e => e.PartitionKey == "jobs" && e.Attempts >= minimum && e.State == JobState.Running && !e.Done))
        {
            found.Add(job);
        }

        Assert.Equal(["j3", "j5"], found.Select(j => j.RowKey));
    }

    public enum JobState
    {
        Queued,
        Running,
    }

    public sealed class Job : ITableEntity
    {
        public string PartitionKey { get; set; } = string.Empty;

        public string RowKey { get; set; } = string.Empty;

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public int Attempts { get; set; }

        public long Bytes { get; set; }

        public bool Done { get; set; }

        public DateTimeOffset? StartedOn { get; set; }

        public JobState State { get; set; }

        [DataMember(Name = "wire_name")]
        public string? Renamed { get; set; }
    }
}
