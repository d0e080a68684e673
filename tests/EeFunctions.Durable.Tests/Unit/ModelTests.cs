using System.Text.Json;
using EeFunctions.Durable.History;

namespace EeFunctions.Durable.Tests.Unit;

public sealed class ModelTests
{
    [Fact]
    public void Registry_rejects_a_duplicate_name_case_insensitively()
    {
        var registry = new DurableTaskRegistry().AddActivityFunc<int, int>("Double", (_, x) => 2 * x);

        var error = Assert.Throws<ArgumentException>(() => registry.AddActivityFunc<int, int>("double", (_, x) => x));

        Assert.Contains("'double' is already registered", error.Message, StringComparison.Ordinal);
        registry.AddOrchestratorFunc<int>("Double", _ => Task.FromResult(1));
        Assert.Throws<ArgumentException>(() => registry.AddOrchestratorFunc<int>("DOUBLE", _ => Task.FromResult(1)));
    }

    [DurableTask("Named")]
    private sealed class NamedActivity : TaskActivity<int, int>
    {
        public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
    }

    [Fact]
    public void Registry_names_classes_by_attribute()
    {
        var registry = new DurableTaskRegistry().AddActivity<NamedActivity>();

        Assert.True(registry.TryCreateActivity("named", null, out var activity));
        Assert.IsType<NamedActivity>(activity);
    }

    [Fact]
    public void Deterministic_guid_matches_the_RFC_4122_version_5_test_vector()
    {
        // uuid5(NAMESPACE_DNS, "python.org") from Python's uuid module documentation.
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        Assert.Equal(new Guid("886313e1-3b8a-5372-9b90-0c9aee199e5d"), DeterministicGuid.Create(dns, "python.org"));
    }

    [Theory]
    [InlineData(1, 10.0)]
    [InlineData(2, 20.0)]
    [InlineData(3, 40.0)]
    [InlineData(4, 60.0)]
    public void Retry_policy_delay_grows_by_the_coefficient_and_is_capped(int failedAttempts, double expectedSeconds)
    {
        var policy = new RetryPolicy(10, TimeSpan.FromSeconds(10), 2, TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), policy.GetNextDelay(failedAttempts, TimeSpan.Zero));
    }

    [Fact]
    public void Retry_policy_stops_after_max_attempts_or_retry_timeout()
    {
        var policy = new RetryPolicy(3, TimeSpan.FromSeconds(1), retryTimeout: TimeSpan.FromSeconds(30));

        Assert.NotNull(policy.GetNextDelay(2, TimeSpan.FromSeconds(5)));
        Assert.Null(policy.GetNextDelay(3, TimeSpan.FromSeconds(5)));
        Assert.Null(policy.GetNextDelay(1, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Retry_policy_rejects_invalid_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(1, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(1, TimeSpan.FromSeconds(1), 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(1, TimeSpan.FromSeconds(10), 1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void History_events_round_trip_through_json_with_their_type_name()
    {
        var now = new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        HistoryEvent[] events =
        [
            new ExecutionStartedEvent(now, "Orch", "id", "exec", "{\"a\":1}", new ParentOrchestrationInstance("P", "pid", "pexec", 3)),
            new TaskScheduledEvent(0, now, "Act", "1"),
            new TaskFailedEvent(now, 0, new TaskFailureDetails("T", "m", "s", new TaskFailureDetails("I", "inner"))),
            new TimerCreatedEvent(1, now, now.AddHours(1)),
            new ExecutionCompletedEvent(now, OrchestrationRuntimeStatus.Completed, "\"done\""),
            new ContinueAsNewEvent(now, "2", "next"),
        ];

        var json = JsonSerializer.Serialize(events, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<HistoryEvent[]>(json, JsonSerializerOptions.Web);

        Assert.Contains("\"eventType\":\"TaskScheduled\"", json, StringComparison.Ordinal);
        Assert.Equal(events, back);
    }

    [Fact]
    public void Failure_details_name_the_cause_and_keep_the_inner_failure()
    {
        var details = TaskFailureDetails.FromException(new InvalidOperationException("outer", new ArgumentException("inner")));

        Assert.True(details.IsCausedBy<InvalidOperationException>());
        Assert.False(details.IsCausedBy<ArgumentException>());
        Assert.True(details.InnerFailure?.IsCausedBy<ArgumentException>());
    }
}
