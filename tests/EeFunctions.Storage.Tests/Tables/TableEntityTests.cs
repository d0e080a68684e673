using System.Runtime.Serialization;
using Azure;
using EeFunctions.Storage.Tables;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Tables;

public sealed class TableEntityTests(AzuriteFixture azurite) : TableTestBase(azurite)
{
    private static readonly DateTimeOffset s_when = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero).AddTicks(4567);
    private static readonly Guid s_id = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    private static readonly byte[] s_bytes = [0, 1, 2, 254, 255, 0];

    [Fact]
    public async Task Typed_properties_round_trip_with_their_OData_types()
    {
        var table = await NewTableAsync();
        var entity = Entity("p", "r",
            ("Text", "héllo 'world'"),
            ("Int", 42),
            ("NegativeInt", -7),
            ("Long", 9_000_000_000L),
            ("SmallLong", 5L),
            ("Double", 3.25),
            ("WholeDouble", 2.0),
            ("Bool", true),
            ("When", s_when),
            ("Id", s_id),
            ("Bytes", s_bytes));

        await table.AddEntityAsync(entity);
        var fromGet = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;
        var fromQuery = Assert.Single(await AllAsync(table));

        foreach (var read in new[] { fromGet, fromQuery })
        {
            Assert.Equal("héllo 'world'", read.GetString("Text"));
            Assert.Equal(42, Assert.IsType<int>(read["Int"]));
            Assert.Equal(-7, read.GetInt32("NegativeInt"));
            Assert.Equal(9_000_000_000L, Assert.IsType<long>(read["Long"]));
            Assert.Equal(5L, Assert.IsType<long>(read["SmallLong"]));
            Assert.Equal(3.25, Assert.IsType<double>(read["Double"]));
            Assert.Equal(2.0, Assert.IsType<double>(read["WholeDouble"]));
            Assert.True(read.GetBoolean("Bool"));
            Assert.Equal(s_when, Assert.IsType<DateTimeOffset>(read["When"]));
            Assert.Equal(s_id, Assert.IsType<Guid>(read["Id"]));
            Assert.Equal(s_bytes, Assert.IsType<byte[]>(read["Bytes"]));
            Assert.Equal(s_bytes, read.GetBinaryData("Bytes")!.ToArray());
            Assert.Equal("p", read.PartitionKey);
            Assert.Equal("r", read.RowKey);
            Assert.NotEqual(default, read.ETag);
            Assert.NotNull(read.Timestamp);
        }
    }

    [Fact]
    public async Task Typed_getters_return_null_for_missing_properties_and_refuse_other_types()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(Entity("p", "r", ("Text", "x"), ("Long", 1L)));
        var read = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;

        Assert.Null(read.GetInt32("Missing"));
        Assert.Null(read.GetString("Missing"));
        Assert.Equal(1.0, read.GetDouble("Long"));
        Assert.Throws<InvalidOperationException>(() => read.GetInt64("Text"));
        Assert.Throws<InvalidOperationException>(() => read.GetDateTimeOffset("Text"));
    }

    [Fact]
    public async Task A_class_implementing_ITableEntity_round_trips_its_public_properties()
    {
        var table = await NewTableAsync();
        var job = new JobRecord
        {
            PartitionKey = "jobs",
            RowKey = "j1",
            Status = "running",
            Attempts = 3,
            Bytes = 5_000_000_000,
            Score = 0.5,
            Done = false,
            StartedOn = s_when,
            Id = s_id,
            Payload = s_bytes,
            State = JobState.Running,
            Note = null,
            Renamed = "on the wire as 'wire_name'",
            Transient = "not stored",
        };

        var added = await table.AddEntityAsync(job);
        var read = (await table.GetEntityAsync<JobRecord>("jobs", "j1")).Value;

        Assert.Equal("running", read.Status);
        Assert.Equal(3, read.Attempts);
        Assert.Equal(5_000_000_000, read.Bytes);
        Assert.Equal(0.5, read.Score);
        Assert.False(read.Done);
        Assert.Equal(s_when, read.StartedOn);
        Assert.Equal(s_id, read.Id);
        Assert.Equal(s_bytes, read.Payload);
        Assert.Equal(JobState.Running, read.State);
        Assert.Null(read.Note);
        Assert.Equal("on the wire as 'wire_name'", read.Renamed);
        Assert.Null(read.Transient);
        Assert.Equal(added.Headers.ETag, read.ETag);
        Assert.NotNull(read.Timestamp);
        var raw = (await table.GetEntityAsync<TableEntity>("jobs", "j1")).Value;
        Assert.False(raw.ContainsKey(nameof(JobRecord.Transient)));
        Assert.Equal("Running", raw.GetString(nameof(JobRecord.State)));
        Assert.Equal("on the wire as 'wire_name'", raw.GetString("wire_name"));
        Assert.False(raw.ContainsKey(nameof(JobRecord.Renamed)));
    }

    [Fact]
    public async Task Keys_with_quotes_spaces_and_unicode_are_addressed_correctly()
    {
        var table = await NewTableAsync();
        var entity = Entity("o'brien & co", "it's a ünï key ()", ("V", 1));

        await table.AddEntityAsync(entity);
        var read = (await table.GetEntityAsync<TableEntity>("o'brien & co", "it's a ünï key ()")).Value;
        var found = Assert.Single(await AllAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {"o'brien & co"}")));
        await table.DeleteEntityAsync("o'brien & co", "it's a ünï key ()");

        Assert.Equal(1, read.GetInt32("V"));
        Assert.Equal("it's a ünï key ()", found.RowKey);
        Assert.Empty(await AllAsync(table));
    }

    [Fact]
    public async Task Adding_an_existing_entity_fails_with_409_EntityAlreadyExists_and_TryAdd_returns_false()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(Entity("p", "r", ("V", 1)));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(Entity("p", "r", ("V", 2))));

        Assert.Equal(409, ex.Status);
        Assert.Equal(TableErrorCode.EntityAlreadyExists, ex.ErrorCode);
        Assert.False(await table.TryAddEntityAsync(Entity("p", "r", ("V", 3))));
        Assert.True(await table.TryAddEntityAsync(Entity("p", "r2", ("V", 4))));
        Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("V"));
    }

    [Fact]
    public async Task Upsert_merge_keeps_other_properties_and_upsert_replace_drops_them()
    {
        var table = await NewTableAsync();
        await table.UpsertEntityAsync(Entity("p", "r", ("A", 1), ("B", 2)), TableUpdateMode.Merge);

        await table.UpsertEntityAsync(Entity("p", "r", ("B", 3), ("C", 4)), TableUpdateMode.Merge);
        var merged = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;
        await table.UpsertEntityAsync(Entity("p", "r", ("C", 5)), TableUpdateMode.Replace);
        var replaced = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;

        Assert.Equal((1, 3, 4), (merged.GetInt32("A"), merged.GetInt32("B"), merged.GetInt32("C")));
        Assert.Equal(5, replaced.GetInt32("C"));
        Assert.False(replaced.ContainsKey("A"));
        Assert.False(replaced.ContainsKey("B"));
    }

    [Fact]
    public async Task Getting_a_missing_entity_fails_with_404_but_GetEntityIfExists_reports_no_value()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(Entity("p", "here", ("V", 1)));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync<TableEntity>("p", "gone"));
        var missing = await table.GetEntityIfExistsAsync<TableEntity>("p", "gone");
        var present = await table.GetEntityIfExistsAsync<TableEntity>("p", "here");

        Assert.Equal(404, ex.Status);
        Assert.Equal(TableErrorCode.ResourceNotFound, ex.ErrorCode);
        Assert.False(missing.HasValue);
        Assert.Equal(404, missing.GetRawResponse().Status);
        Assert.Throws<InvalidOperationException>(() => missing.Value);
        Assert.True(present.HasValue);
        Assert.Equal(1, present.Value!.GetInt32("V"));
    }

    [Fact]
    public async Task Get_with_select_returns_only_the_chosen_properties()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(Entity("p", "r", ("A", 1), ("B", "two"), ("C", 3.5)));

        var read = (await table.GetEntityAsync<TableEntity>("p", "r", select: ["B"])).Value;

        Assert.Equal("two", read.GetString("B"));
        Assert.False(read.ContainsKey("A"));
        Assert.False(read.ContainsKey("C"));
    }

    [Fact]
    public async Task Unsupported_property_types_are_refused_before_sending()
    {
        var table = await NewTableAsync();

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => table.AddEntityAsync(Entity("p", "r", ("Money", 1.5m))));

        Assert.Contains("Money", ex.Message, StringComparison.Ordinal);
    }

    public enum JobState
    {
        Queued,
        Running,
    }

    public sealed class JobRecord : ITableEntity
    {
        public string PartitionKey { get; set; } = string.Empty;

        public string RowKey { get; set; } = string.Empty;

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string? Status { get; set; }

        public int Attempts { get; set; }

        public long Bytes { get; set; }

        public double Score { get; set; }

        public bool Done { get; set; }

        public DateTimeOffset? StartedOn { get; set; }

        public Guid Id { get; set; }

        public byte[]? Payload { get; set; }

        public JobState State { get; set; }

        public string? Note { get; set; }

        [DataMember(Name = "wire_name")]
        public string? Renamed { get; set; }

        [IgnoreDataMember]
        public string? Transient { get; set; }
    }
}
