namespace EeFunctions.Benchmarks;

/// <summary>
/// One benchmark suite, selected by name on the command line. A suite prints a table and ends its output
/// with exactly one line: a JSON object of its figures, so scripts can read the last line.
/// </summary>
internal interface IBenchmarkSuite
{
    /// <summary>The command-line name (<c>storage</c>, <c>engine-memory</c>, <c>ingest</c>, ...).</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken);
}
