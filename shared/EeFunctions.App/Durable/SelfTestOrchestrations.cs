using EeFunctions.DurableTask;
using Microsoft.DurableTask;

namespace EeFunctions.App.Durable;

/// <summary>
/// Orchestrations for checking a deployment end to end (and for the multi-process tests): <c>SelfTest.FanOut</c> runs
/// <c>n</c> <c>SelfTest.Echo</c> activities in parallel and returns the sum of their results (0 + 1 + … + n−1).
/// Registered only when <c>DurableTask:EnableSelfTestOrchestrations</c> is true.
/// </summary>
public sealed class SelfTestOrchestrations : IDurableTaskContributor
{
    public const string SettingName = "DurableTask:EnableSelfTestOrchestrations";
    public const string FanOut = "SelfTest.FanOut";
    public const string Echo = "SelfTest.Echo";

    public void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry
            .AddActivityFunc<int, int>(Echo, (_, value) => Task.FromResult(value))
            .AddOrchestratorFunc<int, long>(FanOut, async (context, count) =>
            {
                var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<int>(Echo, i)));
                return results.Sum(r => (long)r);
            });
    }
}
