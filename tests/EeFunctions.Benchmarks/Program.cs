using EeFunctions.Benchmarks;

var suites = typeof(Program).Assembly.GetTypes()
    .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/EeFunctions.Benchmarks -- <suite> [options]");
    foreach (var s in suites.Values)
    {
        Console.Error.WriteLine($"  {s.Name,-14} {s.Description}");
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
await suite.RunAsync(new BenchmarkContext(args[1..], scratch, Console.Out), cts.Token);
return 0;
