using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace EeFunctions.DurableTask.Tests;

/// <summary>The orchestrations the scenario suite runs through our adapters; each exercises one SDK feature.</summary>
internal static partial class ScenarioOrchestrations
{
    public const string ReplaySafeMessage = "replay-safe log line";

    /// <summary>Calls per flaky key, so a retry policy can be seen to retry.</summary>
    public static ConcurrentDictionary<string, int> FlakyCalls { get; } = new();

    public static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<string, string>("Hello", (_, name) => $"Hello, {name}!")
        .AddActivityFunc<int, int>("Echo", (_, value) => value)
        .AddActivityFunc<string, string>("EchoText", (_, value) => value)
        .AddActivityFunc<string, string>("Flaky", (_, key) =>
        {
            // Fails on the first two calls for a key, then succeeds.
            var calls = FlakyCalls.AddOrUpdate(key, 1, (_, n) => n + 1);
            return calls < 3 ? throw new InvalidOperationException($"flaky call {calls}") : $"ok after {calls}";
        })
        .AddActivityFunc<string, string>("Throws", new Func<TaskActivityContext, string, string>((_, message) => throw new ArgumentOutOfRangeException(nameof(message), message)))
        .AddOrchestratorFunc<string, string>("Chain", async (context, name) =>
        {
            var a = await context.CallActivityAsync<string>("Hello", name);
            var b = await context.CallActivityAsync<string>("Hello", a);
            return await context.CallActivityAsync<string>("Hello", b);
        })
        .AddOrchestratorFunc<int, long>("FanOut", async (context, count) =>
        {
            var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<int>("Echo", i)));
            return results.Sum(x => (long)x);
        })
        .AddOrchestratorFunc<int, double>("Timer", async (context, seconds) =>
        {
            var start = context.CurrentUtcDateTime;
            await context.CreateTimer(TimeSpan.FromSeconds(seconds), CancellationToken.None);
            return (context.CurrentUtcDateTime - start).TotalSeconds;
        })
        .AddOrchestratorFunc<string>("WaitForEvent", async context => await context.WaitForExternalEvent<string>("Approval"))
        .AddOrchestratorFunc<string, string>("Parent", async (context, name) =>
            "parent of " + await context.CallSubOrchestratorAsync<string>("Chain", name))
        .AddOrchestratorFunc<string, string>("AsksForItsParent", async (context, _) =>
            await context.CallSubOrchestratorAsync<string>("NamesItsParent", "child"))
        .AddOrchestratorFunc<string?, string>("NamesItsParent", (context, _) =>
            Task.FromResult(context.Parent is { } parent ? $"{parent.Name}/{parent.InstanceId}" : "no parent"))
        .AddOrchestratorFunc<int, int>("Countdown", (context, n) =>
        {
            if (n > 0)
            {
                context.ContinueAsNew(n - 1);
                return Task.FromResult(-1);
            }

            return Task.FromResult(n);
        })
        .AddOrchestratorFunc<string, string>("Retries", (context, key) =>
            context.CallActivityAsync<string>("Flaky", key, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(200)))))
        .AddOrchestratorFunc<string, string>("CatchesFailure", async (context, message) =>
        {
            try
            {
                await context.CallActivityAsync<string>("Throws", message);
                return "no failure";
            }
            catch (TaskFailedException ex)
            {
                return $"{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}|{ex.FailureDetails.IsCausedBy<ArgumentOutOfRangeException>()}";
            }
        })
        .AddOrchestratorFunc<string, string>("FailsUncaught", (context, message) => context.CallActivityAsync<string>("Throws", message))
        .AddOrchestratorFunc<string>("CustomStatus", async context =>
        {
            context.SetCustomStatus(new { stage = "waiting" });
            var value = await context.WaitForExternalEvent<string>("Go");
            context.SetCustomStatus(new { stage = "done" });
            return value;
        })
        .AddOrchestratorFunc<bool>("DeterministicGuid", async context =>
        {
            // Replayed after the activity: the first GUID must come out the same on every replay.
            var first = context.NewGuid();
            var echoed = await context.CallActivityAsync<string>("EchoText", first.ToString());
            var second = context.NewGuid();
            return echoed == first.ToString() && second != first;
        })
        .AddOrchestratorFunc<string, string>("ReplaySafeLogging", async (context, name) =>
        {
            var logger = context.CreateReplaySafeLogger("Scenario");
            LogReplaySafe(logger, ReplaySafeMessage, context.InstanceId);
            await context.CallActivityAsync<string>("Hello", name);
            await context.CallActivityAsync<string>("Hello", name);
            return await context.CallActivityAsync<string>("Hello", name);
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message} {InstanceId}")]
    private static partial void LogReplaySafe(ILogger logger, string message, string instanceId);
}
