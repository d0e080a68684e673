using EeFunctions.Durable.Backend;
using EeFunctions.Storage.Blobs.Specialized;
using EeFunctions.Storage.Queues;

namespace EeFunctions.Durable.AzureStorage;

/// <summary>A received queue message this process holds: its pop receipt is renewed while held, and it is deleted once consumed.</summary>
internal sealed class HeldMessage(QueueClient queue, string queueMessageId, string popReceipt, long dequeueCount, IReadOnlyList<TaskMessage> messages, string text)
{
    public QueueClient Queue { get; } = queue;

    public string QueueMessageId { get; } = queueMessageId;

    public string PopReceipt { get; set; } = popReceipt;

    public long DequeueCount { get; set; } = dequeueCount;

    /// <summary>The first (usually only) message of the queue message.</summary>
    public TaskMessage Message => Messages[0];

    /// <summary>All messages of the queue message (a bundle to one instance, in order).</summary>
    public IReadOnlyList<TaskMessage> Messages { get; } = messages;

    /// <summary>The raw queue text (re-sent as is when a delayed message is re-armed).</summary>
    public string Text { get; } = text;

    /// <summary>When the message becomes visible again unless renewed (wall clock).</summary>
    public DateTime HiddenUntil { get; set; }

    public TimeSpan Visibility { get; init; }

    /// <summary>The control partition, or -1 for an activity.</summary>
    public int Partition { get; init; } = -1;

    /// <summary>When an activity was handed to the worker (engine clock).</summary>
    public DateTime LockedAt { get; init; }

    /// <summary>Serializes renewals with deletes and updates of the same message.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    private int _done;

    /// <summary>Deleted, released or lost: no more renewals.</summary>
    public bool Done => Volatile.Read(ref _done) != 0;

    /// <summary>Marks the message done; true for the first caller only.</summary>
    public bool MarkDone() => Interlocked.Exchange(ref _done, 1) == 0;
}

/// <summary>Polling pause with exponential backoff, cut short by a local enqueue.</summary>
internal sealed class PollBackoff
{
    private readonly Lock _gate = new();
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _delay;

    public PollBackoff(TimeSpan min, TimeSpan max)
    {
        _min = min;
        _max = max;
        _delay = min;
    }

    public void Signal()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _delay = _min;
            signal = _signal;
            _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    public void Found()
    {
        lock (_gate)
        {
            _delay = _min;
        }
    }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task signal;
        TimeSpan delay;
        lock (_gate)
        {
            signal = _signal.Task;
            delay = _delay;
            _delay = TimeSpan.FromTicks(Math.Min(_max.Ticks, _delay.Ticks * 2));
        }

        await Task.WhenAny(signal, Task.Delay(delay, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>One control-queue partition as seen by this worker.</summary>
internal sealed class PartitionRuntime(int index, QueueClient queue, BlobLeaseClient lease, PollBackoff backoff)
{
    public int Index { get; } = index;

    public QueueClient Queue { get; } = queue;

    public BlobLeaseClient Lease { get; } = lease;

    public PollBackoff Backoff { get; } = backoff;

    public bool Owned { get; set; }

    public DateTime LastRenewed { get; set; }

    public DateTime NextSweep { get; set; }

    public CancellationTokenSource? Stop { get; set; }

    public Task? Loop { get; set; }

    public int Buffered;
}

/// <summary>An instance on its owning worker: buffered messages, the lock of the running episode, and the cached record.</summary>
internal sealed class InstanceSession(string instanceId, int partition)
{
    public string InstanceId { get; } = instanceId;

    public int Partition { get; } = partition;

    public List<HeldMessage> Pending { get; set; } = [];

    public bool Locked { get; set; }

    public bool Queued { get; set; }

    public InstanceRecord? Cache { get; set; }
}

/// <summary>The concurrency token of an orchestration work item.</summary>
internal sealed record WorkItemToken(InstanceSession Session, List<HeldMessage> Batch, InstanceRecord? Record);
