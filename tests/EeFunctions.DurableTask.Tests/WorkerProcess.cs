using System.Diagnostics;
using EeFunctions.Testing;

namespace EeFunctions.DurableTask.Tests;

/// <summary>One process of tests/EeFunctions.DurableTask.TestWorker, on the given settings (passed as environment variables).</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output;

    private WorkerProcess(Process process)
    {
        _process = process;
        _output = new ProcessOutput(process, marker: "worker ready");
    }

    public bool HasExited => _process.HasExited;

    public string Output => _output.Text;

    public static string DllPath
    {
        get
        {
            var dir = AppContext.BaseDirectory.Replace("EeFunctions.DurableTask.Tests", "EeFunctions.DurableTask.TestWorker", StringComparison.Ordinal);
            var dll = Path.Combine(dir, "EeFunctions.DurableTask.TestWorker.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build tests/EeFunctions.DurableTask.TestWorker first.", dll);
        }
    }

    public static WorkerProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        var info = new ProcessStartInfo("dotnet", [DllPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new WorkerProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Waits until the worker says it is ready, or has exited.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout) =>
        await Task.WhenAny(_output.MarkerSeen, _process.WaitForExitAsync()).WaitAsync(timeout);

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
