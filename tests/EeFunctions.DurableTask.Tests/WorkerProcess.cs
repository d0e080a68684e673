using System.Diagnostics;
using System.Text;

namespace EeFunctions.DurableTask.Tests;

/// <summary>One process of tests/EeFunctions.DurableTask.TestWorker, on the given settings (passed as environment variables).</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

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
        await Task.WhenAny(_ready.Task, _process.WaitForExitAsync()).WaitAsync(timeout);

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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("worker ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
