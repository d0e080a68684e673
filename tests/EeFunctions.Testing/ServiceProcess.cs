using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace EeFunctions.Testing;

/// <summary>
/// The real service as a separate process (<c>dotnet EeFunctions.Host.dll</c>) on a free loopback port,
/// for tests that need process boundaries: graceful shutdown, crashes, several workers on one hub.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output;

    private ServiceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _output = new ProcessOutput(process);
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process printed so far.</summary>
    public string Output => _output.Text;

    /// <summary>Starts the service and waits up to 60 s for it to answer; see the overload with a start timeout.</summary>
    public static Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken = default) =>
        StartAsync(settings, TimeSpan.FromSeconds(60), cancellationToken);

    /// <summary>
    /// Starts the service from the test's output folder (the test project must reference EeFunctions.Host) and waits
    /// until <c>/api/health</c> answers, for at most <paramref name="startTimeout"/>. When the start fails, is cancelled
    /// or times out, the process is killed before the exception leaves, so no service outlives its test.
    /// </summary>
    /// <exception cref="TimeoutException">The service did not answer in time (the message holds its output).</exception>
    public static async Task<ServiceProcess> StartAsync(
        IReadOnlyDictionary<string, string> settings, TimeSpan startTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dll = Path.Combine(AppContext.BaseDirectory, "EeFunctions.Host.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("EeFunctions.Host.dll is not beside the tests; reference functions/EeFunctions.Host.", dll);
        }

        var port = AzuriteInstance.FreePorts(1)[0];
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        psi.Environment["AzureWebJobsScriptRoot"] = RepoPaths.Root;
        foreach (var (key, value) in settings)
        {
            psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the service process.");
        var service = new ServiceProcess(process, port);
        try
        {
            await service.WaitUntilAnsweringAsync(startTimeout, cancellationToken);
            return service;
        }
        catch
        {
            // The caller never gets the service to dispose: a process left here would keep running (and holding its
            // hub's leases) after the test run.
            await service.CrashAsync();
            service._process.Dispose();
            throw;
        }
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited at start with code {_process.ExitCode}:\n{Output}");
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The service did not answer /api/health within {timeout.TotalSeconds:0.#} s:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "/api/health"), cancellationToken);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // HttpClient's own 5 s timeout: the service is up but slow; ask again.
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Asks the service to stop (SIGTERM) and waits for it to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the service at once (SIGKILL): a crash.</summary>
    public async Task CrashAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync(TimeSpan.FromSeconds(15));
            }
            catch (OperationCanceledException)
            {
                await CrashAsync();
            }
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
