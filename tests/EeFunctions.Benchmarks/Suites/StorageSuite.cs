using System.Diagnostics;
using System.Globalization;
using EeFunctions.Storage.Blobs;
using EeFunctions.Storage.Queues;
using EeFunctions.Storage.Tables;
using EeFunctions.Testing;

namespace EeFunctions.Benchmarks.Suites;

/// <summary>
/// Our storage clients against a private Azurite (disk persistence, fresh data folder): queue round trips,
/// table inserts, small blob puts and 64 MiB transfers. Each figure is measured for a few seconds after a
/// warm-up. Compare with the official-SDK ceiling in shared/reference/azurite.md §2.
/// Options: <c>--seconds N</c> (measurement window per figure, default 4).
/// </summary>
internal sealed class StorageSuite : IBenchmarkSuite
{
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(1);

    public string Name => "storage";

    public string Description => "queue send+receive+delete, table inserts, 4 KiB blob puts, 64 MiB up/download on a private Azurite";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var window = TimeSpan.FromSeconds(ParseSeconds(context.Arguments));
        await using var azurite = await AzuriteInstance.StartAsync(cancellationToken);
        var cs = azurite.ConnectionString;
        context.Output.WriteLine($"Azurite on ports {azurite.BlobPort}/{azurite.QueuePort}/{azurite.TablePort}, data in {azurite.DataDirectory}; {window.TotalSeconds:F0} s per figure after {s_warmUp.TotalSeconds:F0} s warm-up, {Environment.ProcessorCount} cores");

        // Queue: put + get + delete of one message = one round trip.
        var queue = new QueueClient(cs, "bench-queue");
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        async Task<long> QueueRoundTrip(int worker, long iteration, CancellationToken ct)
        {
            await queue.SendMessageAsync("x", ct);
            while (true)
            {
                var received = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30), ct)).Value;
                if (received.Length == 1)
                {
                    await queue.DeleteMessageAsync(received[0].MessageId, received[0].PopReceipt, ct);
                    return 1;
                }
            }
        }

        var queue1 = await MeasureAsync(1, QueueRoundTrip, window, cancellationToken);
        var queue16 = await MeasureAsync(16, QueueRoundTrip, window, cancellationToken);

        // Table: single inserts (sequential) and transactions of 100 inserts (sequential), in entities/s.
        var table = new TableClient(cs, "benchtable");
        await table.CreateIfNotExistsAsync(cancellationToken);
        var tableSingle = await MeasureAsync(1, async (worker, i, ct) =>
        {
            await table.AddEntityAsync(BenchEntity("single", i.ToString("D10", CultureInfo.InvariantCulture)), ct);
            return 1;
        }, window, cancellationToken);
        var tableBatch = await MeasureAsync(1, async (worker, i, ct) =>
        {
            var partition = "batch-" + i.ToString("D10", CultureInfo.InvariantCulture);
            var actions = Enumerable.Range(0, 100).Select(r => new TableTransactionAction(TableTransactionActionType.Add, BenchEntity(partition, r.ToString("D3", CultureInfo.InvariantCulture))));
            await table.SubmitTransactionAsync(actions, ct);
            return 100;
        }, window, cancellationToken);

        // Blob: 4 KiB puts (overwriting a bounded set of names), then a 64 MiB upload and download.
        var container = new BlobContainerClient(cs, "bench");
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var small = BinaryData.FromBytes(RandomBytes(4096));
        async Task<long> SmallPut(int worker, long i, CancellationToken ct)
        {
            await container.GetBlobClient($"small/{worker}/{i % 256}").UploadAsync(small, overwrite: true, ct);
            return 1;
        }

        var blob1 = await MeasureAsync(1, SmallPut, window, cancellationToken);
        var blob16 = await MeasureAsync(16, SmallPut, window, cancellationToken);

        var large = RandomBytes(64 * 1024 * 1024);
        var largeBlob = container.GetBlobClient("large/64mib.bin");
        var uploadMBps = await TransferMBpsAsync(large.Length, async ct =>
        {
            using var source = new MemoryStream(large, writable: false);
            await largeBlob.UploadAsync(source, overwrite: true, ct);
        }, window, cancellationToken);
        var downloadMBps = await TransferMBpsAsync(large.Length, async ct => await largeBlob.DownloadToAsync(Stream.Null, cancellationToken: ct), window, cancellationToken);

        // The last column: the official JS SDKs against Azurite 3.37 on an idle machine of this kind
        // (shared/reference/azurite.md §2, fresh-instance runs); a busy machine gives less.
        context.WriteTable(
            ["operation", "concurrency", "rate", "unit", "JS SDK ceiling"],
            [
                ["queue send+receive+delete", "1", BenchmarkContext.Format(queue1), "round trips/s", "176-215"],
                ["queue send+receive+delete", "16", BenchmarkContext.Format(queue16), "round trips/s", "384-468"],
                ["table insert, single entity", "1", BenchmarkContext.Format(tableSingle), "entities/s", "1314-1372"],
                ["table insert, transactions of 100", "1", BenchmarkContext.Format(tableBatch), "entities/s", "13631-13797"],
                ["blob put 4 KiB", "1", BenchmarkContext.Format(blob1), "puts/s", "400-433"],
                ["blob put 4 KiB", "16", BenchmarkContext.Format(blob16), "puts/s", "652-926"],
                ["blob upload 64 MiB", "1", BenchmarkContext.Format(uploadMBps), "MB/s", "204-217"],
                ["blob download 64 MiB", "1", BenchmarkContext.Format(downloadMBps), "MB/s", "74-99"],
            ]);
        context.Output.WriteLine($"load average while measuring: {LoadAverage()}");
        context.WriteJson(new Dictionary<string, object>
        {
            ["queueRoundTripsPerSec1"] = Math.Round(queue1, 1),
            ["queueRoundTripsPerSec16"] = Math.Round(queue16, 1),
            ["tableInsertsPerSec"] = Math.Round(tableSingle, 1),
            ["tableBatchInsertsPerSec"] = Math.Round(tableBatch, 1),
            ["blobPutsPerSec1"] = Math.Round(blob1, 1),
            ["blobPutsPerSec16"] = Math.Round(blob16, 1),
            ["uploadMBps"] = Math.Round(uploadMBps, 1),
            ["downloadMBps"] = Math.Round(downloadMBps, 1),
        });
    }

    /// <summary>
    /// Runs <paramref name="concurrency"/> workers in a loop; after the warm-up, counts the units the operations
    /// report as done within the window, and returns units per second.
    /// </summary>
    private static async Task<double> MeasureAsync(int concurrency, Func<int, long, CancellationToken, Task<long>> operation, TimeSpan window, CancellationToken cancellationToken)
    {
        var state = new MeasureState();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            while (!state.Stopped)
            {
                var units = await operation(worker, Interlocked.Increment(ref state.Sequence), cancellationToken);
                if (state.Measuring)
                {
                    Interlocked.Add(ref state.Units, units);
                }
            }
        }, cancellationToken)).ToArray();

        await Task.Delay(s_warmUp, cancellationToken);
        state.Measuring = true;
        var clock = Stopwatch.StartNew();
        await Task.Delay(window, cancellationToken);
        state.Measuring = false;
        var elapsed = clock.Elapsed.TotalSeconds;
        var units = Interlocked.Read(ref state.Units);
        state.Stopped = true;
        await Task.WhenAll(workers);
        return units / elapsed;
    }

    /// <summary>One unmeasured transfer, then whole transfers until the window has passed (at least two): MB/s (10^6 bytes).</summary>
    private static async Task<double> TransferMBpsAsync(long bytes, Func<CancellationToken, Task> transfer, TimeSpan window, CancellationToken cancellationToken)
    {
        await transfer(cancellationToken);
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (count < 2 || clock.Elapsed < window)
        {
            await transfer(cancellationToken);
            count++;
        }

        return count * bytes / 1e6 / clock.Elapsed.TotalSeconds;
    }

    private static TableEntity BenchEntity(string partitionKey, string rowKey) => new(partitionKey, rowKey)
    {
        ["Status"] = "queued",
        ["Attempts"] = 0,
        ["Bytes"] = 123_456_789L,
        ["CreatedOn"] = DateTimeOffset.UtcNow,
    };

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    private static double ParseSeconds(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i + 1 < arguments.Count; i++)
        {
            if (arguments[i] == "--seconds" && double.TryParse(arguments[i + 1], CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            {
                return seconds;
            }
        }

        return 4;
    }

    private sealed class MeasureState
    {
        public long Sequence;
        public long Units;
        public volatile bool Measuring;
        public volatile bool Stopped;
    }
}
