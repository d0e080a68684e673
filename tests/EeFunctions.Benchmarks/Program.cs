namespace EeFunctions.Benchmarks;

/// <summary>
/// Runs the suite named on the command line. A named class rather than top-level statements: the benchmarks reference
/// the service (for import-e2e), whose own <c>Program</c> is public.
/// </summary>
internal static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        var suites = typeof(BenchmarkProgram).Assembly.GetTypes()
            .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

        if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
        {
            await Console.Error.WriteLineAsync("usage: dotnet run -c Release --project tests/EeFunctions.Benchmarks -- <suite> [options]");
            foreach (var s in suites.Values)
            {
                await Console.Error.WriteLineAsync($"  {s.Name,-14} {s.Description}");
            }

            return args.Length == 0 ? 0 : 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        var scratch = Path.Combine(Path.GetTempPath(), "eefunctions-bench", suite.Name);
        Directory.CreateDirectory(scratch);
        try
        {
            await suite.RunAsync(new BenchmarkContext(args[1..], scratch, Console.Out), cts.Token);
            return 0;
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C (or a suite's own stop signal): the suite has cleaned up on the way out.
            await Console.Error.WriteLineAsync("cancelled");
            return 130;
        }
    }
}
