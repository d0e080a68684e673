using DurableTask.Core;

namespace EeFunctions.Benchmarks.Suites.Durable;

/// <summary>The benchmark's workloads in plain DTFx (no SDK, no adapters): the baseline our shims are measured against.</summary>
internal sealed class RawEcho : TaskActivity<int, int>
{
    protected override int Execute(TaskContext context, int input) => input;
}

internal sealed class RawHello3 : TaskOrchestration<string, string>
{
    public override async Task<string> RunTask(OrchestrationContext context, string input)
    {
        var a = await context.ScheduleTask<int>(typeof(RawEcho), 1);
        var b = await context.ScheduleTask<int>(typeof(RawEcho), a + 1);
        var c = await context.ScheduleTask<int>(typeof(RawEcho), b + 1);
        return $"{input} {c}";
    }
}

internal sealed class RawFanOut : TaskOrchestration<long, int>
{
    public override async Task<long> RunTask(OrchestrationContext context, int input)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, input).Select(i => context.ScheduleTask<int>(typeof(RawEcho), i)));
        return results.Sum(r => (long)r);
    }
}
