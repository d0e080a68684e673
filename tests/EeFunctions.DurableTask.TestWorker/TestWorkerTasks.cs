using System.Diagnostics;
using Microsoft.DurableTask;

namespace EeFunctions.DurableTask.TestWorker;

/// <summary>
/// The worker's tasks: fan-outs of instant or one-second activities (the benchmark), and tasks that kill their own
/// process on every delivery (the poison tests).
/// </summary>
public sealed class TestWorkerTasks : IDurableTaskContributor
{
    public void Register(DurableTaskRegistry registry) => registry
        .AddActivityFunc<int, int>("Echo", (_, value) => value)
        .AddActivityFunc<int, int>("SlowEcho", async (_, value) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            return value;
        })
        .AddOrchestratorFunc<FanOutInput, long>("FanOut", async (context, input) =>
        {
            var results = await Task.WhenAll(Enumerable.Range(0, input.Count).Select(i => context.CallActivityAsync<int>(input.Activity, i)));
            return results.Sum(r => (long)r);
        })
        .AddOrchestratorFunc<string, string>("Hello3", async (context, name) =>
        {
            var a = await context.CallActivityAsync<int>("Echo", 1);
            var b = await context.CallActivityAsync<int>("Echo", a + 1);
            var c = await context.CallActivityAsync<int>("Echo", b + 1);
            return $"{name} {c}";
        })
        .AddActivityFunc<string, string>("Crash", async (_, _) =>
        {
            // After the orchestration's checkpoint has landed, as a crash mid-activity would be.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Process.GetCurrentProcess().Kill();
            return "unreachable";
        })
        .AddOrchestratorFunc<string, string>("CallsCrash", async (context, input) =>
        {
            try
            {
                return await context.CallActivityAsync<string>("Crash", input);
            }
            catch (TaskFailedException ex)
            {
                return $"{ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
            }
        })
        .AddOrchestratorFunc<string, string>("CrashingOrchestrator", new Func<TaskOrchestrationContext, string, Task<string>>((_, _) =>
        {
            Process.GetCurrentProcess().Kill();
            return Task.FromResult("unreachable");
        }));
}

/// <param name="Count">How many activities.</param>
/// <param name="Activity">Which: <c>Echo</c> (instant) or <c>SlowEcho</c> (one second).</param>
public sealed record FanOutInput(int Count, string Activity);
