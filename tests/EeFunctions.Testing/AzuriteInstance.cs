using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace EeFunctions.Testing;

/// <summary>
/// A real Azurite (from the repo's pinned npm package) on free loopback ports with its data in a temp folder.
/// It runs under a small shell watchdog that stops it when the test process goes away, even if the test
/// process is killed. Stopping sends SIGTERM, because a SIGKILL loses Azurite's last seconds of writes.
/// </summary>
public sealed partial class AzuriteInstance : IAsyncDisposable
{
    private Process? _process;
    private readonly bool _ownsDataDirectory;

    private AzuriteInstance(string dataDirectory, bool ownsDataDirectory, int blobPort, int queuePort, int tablePort)
    {
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public string DataDirectory { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>Azurite's well-known development account (the one <c>UseDevelopmentStorage=true</c> names).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The development account's published key.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Whether the Azurite process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>An account-key connection string with explicit endpoints (Azurite style).</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;" +
        $"AccountName={DevelopmentAccountName};AccountKey={DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{DevelopmentAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{DevelopmentAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{DevelopmentAccountName};";

    /// <summary>The path of Azurite's entry script in the repository's <c>node_modules</c>.</summary>
    public static string ScriptPath => Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");

    /// <summary>Starts Azurite on three free ports, with its data in a new temp folder (deleted on dispose).</summary>
    public static async Task<AzuriteInstance> StartAsync(CancellationToken cancellationToken = default)
    {
        var dir = Path.Combine(Path.GetTempPath(), "eefunctions-azurite-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        StartReaper(dir);
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts(3);
            var instance = new AzuriteInstance(dir, true, ports[0], ports[1], ports[2]);
            try
            {
                await instance.StartProcessAsync(cancellationToken);
                return instance;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took one of the ports between probing and binding; try fresh ones.
                await instance.StopAsync();
            }
        }
    }

    /// <summary>Starts the process again on the same ports and data (after <see cref="StopAsync"/>).</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) =>
        IsRunning ? Task.CompletedTask : StartProcessAsync(cancellationToken);

    /// <summary>Stops Azurite cleanly (SIGTERM, so it persists its data) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            _ = Kill(process.Id, SigTerm);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDataDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open is left for the OS temp cleaner.
            }
        }
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ScriptPath))
        {
            throw new InvalidOperationException($"Azurite is not installed at '{ScriptPath}'. Run `make test` (or `npm ci`) in the repository root.");
        }

        var log = Path.Combine(DataDirectory, "azurite.log");
        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        // --skipApiVersionCheck: Azurite 3.37 accepts x-ms-version up to 2026-06-06, and Azure.Storage.Blobs 12.30 sends 2026-10-06.
        var azurite = string.Join(' ',
            "node", Quote(ScriptPath),
            "--blobHost 127.0.0.1 --blobPort", BlobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost 127.0.0.1 --queuePort", QueuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost 127.0.0.1 --tablePort", TablePort.ToString(CultureInfo.InvariantCulture),
            "--location", Quote(DataDirectory), "--disableTelemetry --silent --skipApiVersionCheck");

        // The watchdog: stop Azurite (SIGTERM) when told to, or when the test process is gone.
        var script =
            $"{azurite} >>{Quote(log)} 2>&1 & child=$!; " +
            "trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT; " +
            $"while kill -0 {parent} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done; " +
            "kill -TERM $child 2>/dev/null; wait $child";
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start bash for Azurite.");

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                var text = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "(no log)";
                throw new InvalidOperationException($"Azurite exited at start (ports {BlobPort}/{QueuePort}/{TablePort}): {text}");
            }

            if (await IsListeningAsync(BlobPort) && await IsListeningAsync(QueuePort) && await IsListeningAsync(TablePort))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                await StopAsync();
                throw new TimeoutException($"Azurite did not start listening within 60 s (ports {BlobPort}/{QueuePort}/{TablePort}).");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes the temp data folder once this process is gone, even when it never disposed the instance: a test
    /// host is stopped by its runner soon after the run, before a ProcessExit handler can stop Azurite and delete
    /// hundreds of MB. The watchdog stops Azurite within a second of that; the folder goes a few seconds later.
    /// </summary>
    private static void StartReaper(string directory)
    {
        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var script =
            "exec </dev/null >/dev/null 2>&1; " + // hold none of the test host's pipes (its runner waits for them to close)
            $"while kill -0 {parent} 2>/dev/null; do sleep 1; done; " +
            $"sleep 5; rm -rf {Quote(directory)}; sleep 5; rm -rf {Quote(directory)}";
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var reaper = Process.Start(psi);
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Distinct free loopback TCP ports (probed by binding to port 0).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
