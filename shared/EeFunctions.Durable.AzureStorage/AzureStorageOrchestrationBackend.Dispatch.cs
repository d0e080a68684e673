using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Azure;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using EeFunctions.Storage.Queues;
using EeFunctions.Storage.Queues.Models;

namespace EeFunctions.Durable.AzureStorage;

/// <summary>The worker side: partition leases, control-queue buffering, episodes and checkpoints, activities, renewals, the sweeper.</summary>
public sealed partial class AzureStorageOrchestrationBackend
{
    private static readonly TimeSpan s_lockWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_controlGatherDelay = TimeSpan.FromMilliseconds(25);
    private readonly PartitionRuntime[] _partitions;
    private readonly PollBackoff _activityBackoff;
    private readonly PollBackoff _activityDemandSignal = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    private readonly Lock _gate = new();
    private readonly Dictionary<string, InstanceSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HeldMessage> _held = new(StringComparer.Ordinal);
    private readonly Channel<InstanceSession> _ready = Channel.CreateUnbounded<InstanceSession>();
    private readonly Channel<HeldMessage> _activityBuffer = Channel.CreateUnbounded<HeldMessage>();
    private readonly SemaphoreSlim _balanceGate = new(1, 1);
    private Task? _workerStart;
    private Task[] _workerLoops = [];
    private int _activityDemand;

    private Task EnsureWorkerStartedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_workerStart is null || _workerStart.IsFaulted || _workerStart.IsCanceled)
            {
                _workerStart = StartWorkerAsync();
            }
        }

        return _workerStart.WaitAsync(cancellationToken);
    }

    private async Task StartWorkerAsync()
    {
        await EnsureCreatedAsync(_shutdown.Token);
        await BalanceOnceAsync(_shutdown.Token);
        _workerLoops =
        [
            Task.Run(() => BalanceLoopAsync(_shutdown.Token)),
            Task.Run(() => RenewLoopAsync(_shutdown.Token)),
            Task.Run(() => ActivityPollLoopAsync(_shutdown.Token)),
        ];
    }

    private async Task StopWorkerAsync()
    {
        Task? start;
        lock (_gate)
        {
            start = _workerStart;
        }

        await _shutdown.CancelAsync();
        if (start is null)
        {
            return;
        }

        try
        {
            await start;
        }
#pragma warning disable CA1031 // Shutdown: a failed start has nothing to stop.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }

        await Task.WhenAll(_workerLoops.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var partition in _partitions.Where(p => p.Owned))
        {
            await ReleasePartitionAsync(partition, voluntary: true, timeout.Token);
        }

        // Activities fetched but not started go back to the queue at once.
        while (_activityBuffer.Reader.TryRead(out var held))
        {
            await ReleaseHeldAsync(held, TimeSpan.Zero, timeout.Token);
        }

        await IgnoreFailuresAsync(() => _leases.GetBlobClient($"workers/{_options.WorkerId}").DeleteIfExistsAsync(cancellationToken: timeout.Token));
    }

    // ------------------------------------------------------------------------------------------------ partitions and leases

    private async Task BalanceLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.LeaseAcquireInterval, cancellationToken);
                await BalanceOnceAsync(cancellationToken);
                await SweepOwnedPartitionsAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Storage outages must not kill the loop; it retries on the next round.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LoopFailed("partition balance", ex);
            }
        }
    }

    /// <summary>
    /// One round of partition management: renew owned leases (a failed renewal loses the partition at once), heartbeat with the
    /// number of partitions owned, and move towards a fair share: take free or expired partitions while below
    /// ceil(partitions / live workers), hand one back while owning two more than the least-loaded live worker.
    /// </summary>
    private async Task BalanceOnceAsync(CancellationToken cancellationToken)
    {
        await _balanceGate.WaitAsync(cancellationToken);
        try
        {
            var lost = false;
            foreach (var partition in _partitions.Where(p => p.Owned && WallNow - p.LastRenewed >= _options.LeaseRenewInterval).ToList())
            {
                try
                {
                    await partition.Lease.RenewAsync(cancellationToken: cancellationToken);
                    partition.LastRenewed = WallNow;
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
                {
                    _logger.PartitionLost(_options.WorkerId, partition.Index, ex.Message);
                    await ReleasePartitionAsync(partition, voluntary: false, cancellationToken);
                    lost = true;
                }
            }

            if (lost)
            {
                return; // not straight back for the partition just lost: its new owner has it
            }

            var owned = _partitions.Count(p => p.Owned);
            await _leases.GetBlobClient($"workers/{_options.WorkerId}").UploadAsync(
                BinaryData.FromString(string.Empty),
                new Storage.Blobs.Models.BlobUploadOptions { Metadata = new Dictionary<string, string> { ["owned"] = owned.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                cancellationToken);
            var liveSince = DateTimeOffset.UtcNow - (_options.LeaseAcquireInterval * 3) - TimeSpan.FromSeconds(2);
            var others = new List<int>();
            await foreach (var worker in _leases.GetBlobsAsync(Storage.Blobs.Models.BlobTraits.Metadata, prefix: "workers/", cancellationToken: cancellationToken))
            {
                if (worker.Name != $"workers/{_options.WorkerId}" && worker.Properties.LastModified >= liveSince)
                {
                    others.Add(worker.Metadata.TryGetValue("owned", out var n) && int.TryParse(n, out var count) ? count : 0);
                }
            }

            var target = (int)Math.Ceiling(_hub.PartitionCount / (double)(others.Count + 1));
            if (owned > target || (others.Count > 0 && owned >= others.Min() + 2))
            {
                var victim = _partitions.Last(p => p.Owned);
                await ReleasePartitionAsync(victim, voluntary: true, cancellationToken);
                return;
            }

            var offset = (int)(TaskHub.Fnv1a(_options.WorkerId) % (uint)_hub.PartitionCount);
            for (var i = 0; i < _hub.PartitionCount && owned < target; i++)
            {
                var partition = _partitions[(offset + i) % _hub.PartitionCount];
                if (partition.Owned)
                {
                    continue;
                }

                try
                {
                    await partition.Lease.AcquireAsync(_options.LeaseDuration, cancellationToken: cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412)
                {
                    continue;
                }

                partition.Owned = true;
                partition.LastRenewed = WallNow;
                partition.NextSweep = WallNow;
                partition.Stop = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
                var stop = partition.Stop.Token;
                partition.Loop = Task.Run(() => ControlPollLoopAsync(partition, stop), CancellationToken.None);
                owned++;
                _logger.PartitionAcquired(_options.WorkerId, partition.Index);
            }
        }
        finally
        {
            _balanceGate.Release();
        }
    }

    /// <summary>
    /// Stops working a partition: polling stops, cached instances are forgotten, buffered messages that no episode holds go back
    /// to the queue (at once when <paramref name="voluntary"/>, else they reappear when their visibility expires), and the lease
    /// is released. Episodes still running may finish: their checkpoints are fenced by the status rows' ETags.
    /// </summary>
    private async Task ReleasePartitionAsync(PartitionRuntime partition, bool voluntary, CancellationToken cancellationToken)
    {
        partition.Owned = false;
        if (partition.Stop is { } stop)
        {
            await stop.CancelAsync();
            if (partition.Loop is { } loop)
            {
                await loop.ContinueWith(_ => { }, TaskScheduler.Default);
            }

            stop.Dispose();
            partition.Stop = null;
        }

        List<HeldMessage> buffered = [];
        lock (_gate)
        {
            foreach (var session in _sessions.Values.Where(s => s.Partition == partition.Index).ToList())
            {
                buffered.AddRange(session.Pending);
                session.Pending = [];
                session.Cache = null;
                if (!session.Locked)
                {
                    _sessions.Remove(session.InstanceId);
                }
            }
        }

        await Parallel.ForEachAsync(buffered, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxStorageOperationConcurrency }, async (held, _) =>
        {
            if (voluntary)
            {
                await ReleaseHeldAsync(held, TimeSpan.Zero, cancellationToken);
            }
            else
            {
                Forget(held);
            }
        });

        if (voluntary)
        {
            await IgnoreFailuresAsync(() => partition.Lease.ReleaseAsync(cancellationToken: cancellationToken));
            _logger.PartitionReleased(_options.WorkerId, partition.Index);
        }
    }

    private bool Owns(int partition) => _partitions[partition].Owned;

    // ------------------------------------------------------------------------------------------------ control queues

    private async Task ControlPollLoopAsync(PartitionRuntime partition, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (Volatile.Read(ref partition.Buffered) >= _options.ControlQueueBufferThreshold)
                {
                    await Task.Delay(20, cancellationToken);
                    continue;
                }

                var messages = (await partition.Queue.ReceiveMessagesAsync(_options.ControlQueueBatchSize, _options.ControlQueueVisibilityTimeout, cancellationToken)).Value;
                if (messages.Length == 0)
                {
                    await partition.Backoff.WaitAsync(cancellationToken);
                    continue;
                }

                partition.Backoff.Found();
                var decoded = await Task.WhenAll(messages.Select(m => DecodeAsync(partition.Queue, m, cancellationToken)));
                foreach (var (queueMessage, message) in messages.Zip(decoded))
                {
                    if (message is not null)
                    {
                        await AcceptControlMessageAsync(partition, queueMessage, message, cancellationToken);
                    }
                }

                if (messages.Length < _options.ControlQueueBatchSize)
                {
                    // A partial batch: results trickle in one by one during a fan-out; gathering them for a moment turns
                    // one receive per message into one per batch, at a small cost in latency.
                    await Task.Delay(s_controlGatherDelay, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Storage outages must not kill the loop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LoopFailed($"control queue {partition.Index}", ex);
                await DelayQuietlyAsync(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private async Task<IReadOnlyList<TaskMessage>?> DecodeAsync(QueueClient queue, QueueMessage queueMessage, CancellationToken cancellationToken)
    {
        try
        {
            return await _codec.DecodeAsync(queueMessage.MessageText, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or NotSupportedException || (ex is RequestFailedException { Status: 404 }))
        {
            // Unreadable, or a large message whose blob is gone (its instance was purged): it can never be processed.
            _logger.UnreadableMessage(queueMessage.MessageId, queue.Name, ex);
            await queue.TryDeleteMessageAsync(queueMessage.MessageId, queueMessage.PopReceipt, cancellationToken);
            return null;
        }
    }

    private async Task AcceptControlMessageAsync(PartitionRuntime partition, QueueMessage queueMessage, IReadOnlyList<TaskMessage> messages, CancellationToken cancellationToken)
    {
        var message = messages[0];
        // A delayed message (timer, scheduled start) that shows before its time — because the delay was capped at the visibility
        // limit, or because the engine clock is virtual — is re-armed for the rest of its wait.
        if (message.VisibleAt is { } due && due > EngineNow)
        {
            await SendTextAsync(partition.Queue, queueMessage.MessageText, due, cancellationToken);
            await partition.Queue.TryDeleteMessageAsync(queueMessage.MessageId, queueMessage.PopReceipt, cancellationToken);
            return;
        }

        lock (_gate)
        {
            if (_held.TryGetValue(queueMessage.MessageId, out var known))
            {
                // Redelivered while still held here (the visibility lapsed): keep one copy, with the fresh pop receipt.
                known.PopReceipt = queueMessage.PopReceipt;
                known.DequeueCount = queueMessage.DequeueCount;
                known.HiddenUntil = WallNow + _options.ControlQueueVisibilityTimeout;
                return;
            }

            var held = new HeldMessage(partition.Queue, queueMessage.MessageId, queueMessage.PopReceipt, queueMessage.DequeueCount, messages, queueMessage.MessageText)
            {
                Visibility = _options.ControlQueueVisibilityTimeout,
                HiddenUntil = WallNow + _options.ControlQueueVisibilityTimeout,
                Partition = partition.Index,
            };
            _held[held.QueueMessageId] = held;
            Interlocked.Increment(ref partition.Buffered);
            var session = GetSessionLocked(message.InstanceId, partition.Index);
            session.Pending.Add(held);
            EnqueueIfReadyLocked(session);
        }
    }

    private InstanceSession GetSessionLocked(string instanceId, int partition)
    {
        if (!_sessions.TryGetValue(instanceId, out var session))
        {
            if (_sessions.Count >= _options.MaxCachedInstances)
            {
                foreach (var idle in _sessions.Values.Where(s => !s.Locked && s.Pending.Count == 0).Take(Math.Max(1, _sessions.Count / 10)).ToList())
                {
                    _sessions.Remove(idle.InstanceId);
                }
            }

            session = new InstanceSession(instanceId, partition);
            _sessions[instanceId] = session;
        }

        return session;
    }

    private void EnqueueIfReadyLocked(InstanceSession session)
    {
        if (!session.Locked && !session.Queued && session.Pending.Count > 0)
        {
            session.Queued = true;
            _ready.Writer.TryWrite(session);
        }
    }

    /// <inheritdoc />
    public async Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(CancellationToken cancellationToken)
    {
        await EnsureWorkerStartedAsync(cancellationToken);
        if (_shutdown.IsCancellationRequested)
        {
            await Task.Delay(s_lockWait, cancellationToken);
            return null;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        wait.CancelAfter(s_lockWait);
        while (true)
        {
            InstanceSession session;
            List<HeldMessage> batch;
            try
            {
                session = await _ready.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            lock (_gate)
            {
                session.Queued = false;
                if (session.Locked || session.Pending.Count == 0 || !Owns(session.Partition))
                {
                    continue;
                }

                session.Locked = true;
                batch = session.Pending;
                session.Pending = [];
            }

            try
            {
                var workItem = await PrepareWorkItemAsync(session, batch, cancellationToken);
                if (workItem is not null)
                {
                    return workItem;
                }
            }
            catch (Exception)
            {
                Unlock(session, batch, dropCache: true);
                throw;
            }
        }
    }

    private void Unlock(InstanceSession session, List<HeldMessage> requeue, bool dropCache)
    {
        lock (_gate)
        {
            session.Locked = false;
            if (dropCache)
            {
                session.Cache = null;
            }

            var alive = requeue.Where(h => !h.Done).ToList();
            if (Owns(session.Partition))
            {
                session.Pending.InsertRange(0, alive);
            }
            else
            {
                foreach (var held in alive)
                {
                    Forget(held);
                }
            }

            EnqueueIfReadyLocked(session);
        }
    }

    /// <summary>
    /// Loads the instance (from the owner's cache when its record is current), creates sub-orchestrations on receipt of their
    /// start, and fails instances whose messages are poison. Null when nothing is left for the engine.
    /// </summary>
    private async Task<OrchestrationWorkItem?> PrepareWorkItemAsync(InstanceSession session, List<HeldMessage> batch, CancellationToken cancellationToken)
    {
        var instanceId = session.InstanceId;
        var record = session.Cache;
        var reload = record?.History is null
            || record.State.RuntimeStatus.IsTerminal()
            || batch.SelectMany(h => h.Messages).Any(m => m.Event is ExecutionStartedEvent s && s.ExecutionId != record.State.ExecutionId);
        if (reload)
        {
            record = await _store.LoadAsync(instanceId, withHistory: true, cancellationToken);
            session.Cache = record;
        }

        // Sub-orchestration starts create the child here, on the owner of its partition, atomically (insert, or replace a
        // terminal row If-Match). A repeated start of the same parent call is dropped; a clash with another live instance
        // fails the parent's call.
        var dropped = new List<HeldMessage>();
        foreach (var held in batch)
        {
            if (held.Messages.FirstOrDefault(m => m.Event is ExecutionStartedEvent { ParentInstance: not null })?.Event is not ExecutionStartedEvent { ParentInstance: { } parent } start
                || (record is not null && record.State.ExecutionId == start.ExecutionId))
            {
                continue;
            }

            if (record is null || record.State.RuntimeStatus.IsTerminal())
            {
                var created = NewPendingRecord(start);
                await _store.MarkUnsettledAsync(instanceId, WallNow + _options.PendingStartTimeout, cancellationToken);
                var etag = record is null
                    ? await _store.TryInsertStatusAsync(created, cancellationToken)
                    : await _store.TryReplaceStatusAsync(created, record.ETag, cancellationToken);
                if (etag is { } committed)
                {
                    created.ETag = committed;
                    record = created;
                    session.Cache = record;
                    SignalState(instanceId);
                    continue;
                }

                throw new InvalidOperationException($"The status row of '{instanceId}' changed while creating a sub-orchestration; retrying.");
            }

            if (record.State.ParentInstance == parent)
            {
                _logger.SubOrchestrationStartDropped(instanceId, start.ExecutionId, "the parent's call already created this instance");
            }
            else
            {
                _logger.SubOrchestrationStartDropped(instanceId, start.ExecutionId, "another live instance has the id");
                var failure = new TaskFailureDetails(
                    typeof(OrchestrationAlreadyExistsException).FullName!,
                    $"An orchestration instance with the ID '{instanceId}' and status {record.State.RuntimeStatus} already exists.");
                await SendToInstanceAsync(TaskMessage.Create(parent.InstanceId, parent.ExecutionId, new SubOrchestrationInstanceFailedEvent(EngineNow, parent.TaskScheduledId, failure)), cancellationToken);
            }

            dropped.Add(held);
        }

        if (dropped.Count > 0)
        {
            await DeleteHeldAsync(dropped, cancellationToken);
            batch = [.. batch.Except(dropped)];
        }

        // Poison: a message delivered more than MaxDequeueCount times fails the instance (never endless retries).
        var poison = batch.FirstOrDefault(h => h.DequeueCount > _options.MaxDequeueCount);
        if (poison is not null)
        {
            var poisonEvent = poison.Message.Event;
            _logger.PoisonOrchestrationMessage(instanceId, poison.Message.MessageId, poisonEvent.EventType, poison.DequeueCount);
            if (record is not null && !record.State.RuntimeStatus.IsTerminal())
            {
                var committed = await FailInstanceAsync(record, poison, cancellationToken);
                if (committed is null)
                {
                    Unlock(session, batch, dropCache: true);
                    return null;
                }

                session.Cache = committed;
            }

            await DeleteHeldAsync([poison], cancellationToken);
            batch.Remove(poison);
        }

        if (batch.Count == 0)
        {
            Unlock(session, [], dropCache: false);
            return null;
        }

        return new OrchestrationWorkItem(
            instanceId,
            [.. batch.SelectMany(h => h.Messages)],
            (IReadOnlyList<HistoryEvent>?)record?.History ?? [],
            record?.State,
            new WorkItemToken(session, batch, record));
    }

    private async Task<InstanceRecord?> FailInstanceAsync(InstanceRecord record, HeldMessage poison, CancellationToken cancellationToken)
    {
        var now = EngineNow;
        var details = new TaskFailureDetails(
            "PoisonMessage",
            $"The {poison.Message.Event.EventType} message {poison.Message.MessageId} for instance '{record.State.InstanceId}' was dequeued {poison.DequeueCount} times " +
            $"without being processed (the limit is {_options.MaxDequeueCount}); the instance was failed instead of retrying it forever.");
        var checkpoint = new OrchestrationCheckpoint
        {
            NewHistory =
            [
                new OrchestratorStartedEvent(now),
                new ExecutionCompletedEvent(now, OrchestrationRuntimeStatus.Failed, details.ErrorMessage, details),
                new OrchestratorCompletedEvent(now),
            ],
            NewState = record.State with
            {
                RuntimeStatus = OrchestrationRuntimeStatus.Failed,
                Output = details.ErrorMessage,
                FailureDetails = details,
                LastUpdatedAt = now,
                CompletedAt = now,
            },
        };
        var committed = await _store.CommitAsync(record, checkpoint, _options.MaxStorageOperationConcurrency, cancellationToken);
        if (committed is null)
        {
            return null;
        }

        committed.History = record.History is null ? null : [.. record.History, .. checkpoint.NewHistory];
        if (record.State.ParentInstance is { } parent)
        {
            await SendToInstanceAsync(TaskMessage.Create(parent.InstanceId, parent.ExecutionId, new SubOrchestrationInstanceFailedEvent(now, parent.TaskScheduledId, details)), cancellationToken);
        }

        await AfterCommitAsync(record, committed, cancellationToken);
        return committed;
    }

    /// <inheritdoc />
    public async Task<bool> CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var token = (WorkItemToken)workItem.ConcurrencyToken;
        var session = token.Session;

        // 1. Outbound messages first. A crash after this point sends them again on replay: receivers drop duplicates.
        // Messages to one instance from one episode travel as one queue message, in order (a continue-as-new start and the
        // events it carries over must not be split across receives); activities and timers travel one by one.
        var sends = new List<(QueueClient Queue, IReadOnlyList<TaskMessage> Messages, int Partition)>();
        sends.AddRange(checkpoint.ActivityMessages.Select(m => (_workItems, (IReadOnlyList<TaskMessage>)[m], -1)));
        foreach (var group in checkpoint.OrchestratorMessages.Where(m => m.VisibleAt is null).GroupBy(m => m.InstanceId, StringComparer.Ordinal))
        {
            var partition = _hub.PartitionOf(group.Key);
            sends.Add((_controlQueues[partition], group.ToList(), partition));
        }

        foreach (var message in checkpoint.OrchestratorMessages.Where(m => m.VisibleAt is not null).Concat(checkpoint.TimerMessages))
        {
            var partition = _hub.PartitionOf(message.InstanceId);
            sends.Add((_controlQueues[partition], [message], partition));
        }

        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxStorageOperationConcurrency, CancellationToken = cancellationToken }, async (send, ct) =>
        {
            var text = await _codec.EncodeAsync(send.Messages, ct);
            await SendTextAsync(send.Queue, text, send.Messages[0].VisibleAt, ct);
        });
        if (checkpoint.ActivityMessages.Count > 0)
        {
            _activityBackoff.Signal();
        }

        foreach (var partition in sends.Where(s => s.Partition >= 0).Select(s => s.Partition).Distinct())
        {
            _partitions[partition].Backoff.Signal();
        }

        // 2. The checkpoint: one transaction, or rows then the status row (see InstanceStore). Fenced by the status row's ETag.
        var record = token.Record;
        if (record is not null && (checkpoint.NewState is not null || checkpoint.NewHistory.Count > 0))
        {
            var committed = await _store.CommitAsync(record, checkpoint, _options.MaxStorageOperationConcurrency, cancellationToken);
            if (committed is null)
            {
                _logger.CheckpointFenced(session.InstanceId);
                Unlock(session, token.Batch, dropCache: true);
                return false;
            }

            committed.History = checkpoint.ReplacesHistory ? [.. checkpoint.NewHistory] : record.History;
            if (!checkpoint.ReplacesHistory)
            {
                committed.History?.AddRange(checkpoint.NewHistory);
            }

            session.Cache = committed;
            await AfterCommitAsync(record, committed, cancellationToken);
        }

        // 3. Consumed messages are deleted last; early arrivals stay buffered and are offered again.
        var deferred = new HashSet<TaskMessage>(checkpoint.DeferredMessages, ReferenceEqualityComparer.Instance);
        var consumed = token.Batch.Where(h => !h.Messages.Any(deferred.Contains)).ToList();
        var kept = token.Batch.Where(h => h.Messages.Any(deferred.Contains)).ToList();
        await DeleteHeldAsync(consumed, cancellationToken);
        if (kept.Count > 0 && checkpoint.NewHistory.Count == 0)
        {
            Unlock(session, [], dropCache: false);
            var stopping = _shutdown.Token;
            _ = Task.Run(async () =>
            {
                await DelayQuietlyAsync(_options.DeferralDelay, stopping);
                lock (_gate)
                {
                    if (Owns(session.Partition))
                    {
                        var current = GetSessionLocked(session.InstanceId, session.Partition);
                        current.Pending.AddRange(kept.Where(h => !h.Done));
                        EnqueueIfReadyLocked(current);
                    }
                    else
                    {
                        kept.ForEach(Forget);
                    }
                }
            }, CancellationToken.None);
        }
        else
        {
            Unlock(session, kept, dropCache: false);
        }

        if (session.Cache?.State.RuntimeStatus.IsTerminal() == true)
        {
            lock (_gate)
            {
                // A finished instance leaves the cache; a later message reloads it.
                if (!session.Locked && session.Pending.Count == 0 && _sessions.TryGetValue(session.InstanceId, out var current) && ReferenceEquals(current, session))
                {
                    _sessions.Remove(session.InstanceId);
                }
            }
        }

        return true;
    }

    private async Task AfterCommitAsync(InstanceRecord before, InstanceRecord after, CancellationToken cancellationToken)
    {
        var state = after.State;
        if (state.RuntimeStatus != before.State.RuntimeStatus || state.ExecutionId != before.State.ExecutionId)
        {
            await IgnoreFailuresAsync(() => _store.WriteIndexAsync(state, WallNow + _options.IndexReconcileInterval, cancellationToken));
        }

        if (after.HistoryExecutionId != before.HistoryExecutionId && before.HistoryCount > 0)
        {
            var pk = TaskHub.SanitizeKey(state.InstanceId);
            var old = before.HistoryExecutionId;
            _ = Task.Run(() => IgnoreFailuresAsync(() => _store.DeleteExecutionRowsAsync(pk, old, CancellationToken.None)), CancellationToken.None);
        }

        SignalState(state.InstanceId);
    }

    /// <inheritdoc />
    public async Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        var token = (WorkItemToken)workItem.ConcurrencyToken;

        // Back to the queue with a growing delay; each redelivery counts towards the poison limit.
        await Parallel.ForEachAsync(token.Batch, cancellationToken, async (held, ct) =>
            await ReleaseHeldAsync(held, TimeSpan.FromSeconds(Math.Min(30, 1 << (int)Math.Clamp(held.DequeueCount - 1, 0, 5))), ct));
        Unlock(token.Session, [], dropCache: true);
    }

    // ------------------------------------------------------------------------------------------------ activities

    /// <inheritdoc />
    public async Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(CancellationToken cancellationToken)
    {
        await EnsureWorkerStartedAsync(cancellationToken);
        if (_shutdown.IsCancellationRequested)
        {
            await Task.Delay(s_lockWait, cancellationToken);
            return null;
        }

        Interlocked.Increment(ref _activityDemand);
        _activityDemandSignal.Signal();
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
            wait.CancelAfter(s_lockWait);
            while (true)
            {
                HeldMessage held;
                try
                {
                    held = await _activityBuffer.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return null;
                }

                if (!held.Done)
                {
                    return new ActivityWorkItem(held.Message, held, (int)Math.Min(int.MaxValue, held.DequeueCount));
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _activityDemand);
        }
    }

    private async Task ActivityPollLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Fetch only what idle activity slots will take at once, so fetched messages do not wait (and age) in memory.
                var demand = Volatile.Read(ref _activityDemand) - _activityBuffer.Reader.Count;
                if (demand <= 0)
                {
                    await _activityDemandSignal.WaitAsync(cancellationToken);
                    continue;
                }

                // A little more than the idle slots ask for, so a busy queue is drained in fewer receives.
                var messages = (await _workItems.ReceiveMessagesAsync(Math.Min(32, demand * 2), _options.WorkItemQueueVisibilityTimeout, cancellationToken)).Value;
                if (messages.Length == 0)
                {
                    await _activityBackoff.WaitAsync(cancellationToken);
                    continue;
                }

                _activityBackoff.Found();
                var decoded = await Task.WhenAll(messages.Select(m => DecodeAsync(_workItems, m, cancellationToken)));
                foreach (var (queueMessage, parts) in messages.Zip(decoded))
                {
                    if (parts is null)
                    {
                        continue;
                    }

                    var message = parts[0];

                    if (message.Event is not TaskScheduledEvent scheduled)
                    {
                        await _workItems.TryDeleteMessageAsync(queueMessage.MessageId, queueMessage.PopReceipt, cancellationToken);
                        continue;
                    }

                    if (queueMessage.DequeueCount > _options.MaxDequeueCount)
                    {
                        await FailPoisonActivityAsync(queueMessage, message, scheduled, cancellationToken);
                        continue;
                    }

                    var held = new HeldMessage(_workItems, queueMessage.MessageId, queueMessage.PopReceipt, queueMessage.DequeueCount, parts, queueMessage.MessageText)
                    {
                        Visibility = _options.WorkItemQueueVisibilityTimeout,
                        HiddenUntil = WallNow + _options.WorkItemQueueVisibilityTimeout,
                        LockedAt = EngineNow,
                    };
                    if (_held.TryAdd(held.QueueMessageId, held))
                    {
                        _activityBuffer.Writer.TryWrite(held);
                    }
                    else if (_held.TryGetValue(held.QueueMessageId, out var known))
                    {
                        // Redelivered while still held here (its renewal stopped): the new copy is the live one.
                        known.MarkDone();
                        _held[held.QueueMessageId] = held;
                        _activityBuffer.Writer.TryWrite(held);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Storage outages must not kill the loop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LoopFailed("work-item queue", ex);
                await DelayQuietlyAsync(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private async Task FailPoisonActivityAsync(QueueMessage queueMessage, TaskMessage message, TaskScheduledEvent scheduled, CancellationToken cancellationToken)
    {
        _logger.PoisonActivityMessage(message.InstanceId, scheduled.Name, scheduled.EventId, queueMessage.DequeueCount);
        var details = new TaskFailureDetails(
            "PoisonMessage",
            $"The activity '{scheduled.Name}' (#{scheduled.EventId}) of instance '{message.InstanceId}' was dequeued {queueMessage.DequeueCount} times without completing " +
            $"(the limit is {_options.MaxDequeueCount}); it was failed instead of retrying it forever.");
        await SendToInstanceAsync(TaskMessage.Create(message.InstanceId, message.ExecutionId, new TaskFailedEvent(EngineNow, scheduled.EventId, details)), cancellationToken);
        await _workItems.TryDeleteMessageAsync(queueMessage.MessageId, queueMessage.PopReceipt, cancellationToken);
    }

    /// <inheritdoc />
    public async Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, TaskMessage resultMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(resultMessage);

        // Result first, then the delete: a crash in between runs the activity again (at least once); the engine drops the
        // second result. A lost message (its lock expired and someone else has it) is not an error here for the same reason.
        var held = (HeldMessage)workItem.LockToken;
        try
        {
            await SendToInstanceAsync(resultMessage, cancellationToken);
            await DeleteHeldAsync([held], cancellationToken);
        }
        catch
        {
            // Storage failed (an outage): stop renewing, so the activity is delivered again when its visibility lapses.
            Forget(held);
            throw;
        }
    }

    /// <inheritdoc />
    public Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        return ReleaseHeldAsync((HeldMessage)workItem.LockToken, TimeSpan.Zero, cancellationToken);
    }

    // ------------------------------------------------------------------------------------------------ held messages

    /// <summary>Renews the visibility of held messages before it lapses: buffered control messages, and running activities for up to <see cref="AzureStorageOrchestrationBackendOptions.MaxActivityLockRenewal"/> of engine time.</summary>
    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(Math.Min(_options.ControlQueueVisibilityTimeout.Ticks, _options.WorkItemQueueVisibilityTimeout.Ticks) / 6, TimeSpan.TicksPerMillisecond * 200, TimeSpan.TicksPerSecond * 10));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, cancellationToken);
                var due = _held.Values.Where(h => !h.Done && h.HiddenUntil - WallNow < h.Visibility / 2).ToList();
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxStorageOperationConcurrency, CancellationToken = cancellationToken }, async (held, ct) =>
                {
                    if (held.Partition >= 0 && !Owns(held.Partition))
                    {
                        return; // the partition was lost or handed over: its messages go back to the queue when their visibility lapses
                    }

                    if (held.Partition < 0 && EngineNow - held.LockedAt > _options.MaxActivityLockRenewal)
                    {
                        Forget(held); // presumed stuck: let the lock lapse so another worker runs it
                        return;
                    }

                    await held.Gate.WaitAsync(ct);
                    try
                    {
                        if (held.Done)
                        {
                            return;
                        }

                        var receipt = await held.Queue.TryUpdateMessageAsync(held.QueueMessageId, held.PopReceipt, null, held.Visibility, ct);
                        if (receipt is null)
                        {
                            ForgetLocked(held);
                        }
                        else
                        {
                            held.PopReceipt = receipt.PopReceipt;
                            held.HiddenUntil = WallNow + held.Visibility;
                        }
                    }
                    finally
                    {
                        held.Gate.Release();
                    }
                });
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Storage outages must not kill the loop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LoopFailed("visibility renewal", ex);
            }
        }
    }

    private async Task DeleteHeldAsync(List<HeldMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxStorageOperationConcurrency, CancellationToken = cancellationToken }, async (held, ct) =>
        {
            await held.Gate.WaitAsync(ct);
            try
            {
                if (!held.Done)
                {
                    await held.Queue.TryDeleteMessageAsync(held.QueueMessageId, held.PopReceipt, ct);
                    ForgetLocked(held);
                }
            }
            finally
            {
                held.Gate.Release();
            }
        });
    }

    private async Task ReleaseHeldAsync(HeldMessage held, TimeSpan visibility, CancellationToken cancellationToken)
    {
        await held.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!held.Done)
            {
                ForgetLocked(held);
                await IgnoreFailuresAsync(() => held.Queue.TryUpdateMessageAsync(held.QueueMessageId, held.PopReceipt, null, visibility, cancellationToken));
            }
        }
        finally
        {
            held.Gate.Release();
        }
    }

    private void ForgetLocked(HeldMessage held) => Forget(held);

    private void Forget(HeldMessage held)
    {
        if (!held.MarkDone())
        {
            return;
        }

        _held.TryRemove(new KeyValuePair<string, HeldMessage>(held.QueueMessageId, held));
        if (held.Partition >= 0)
        {
            Interlocked.Decrement(ref _partitions[held.Partition].Buffered);
        }
    }

    // ------------------------------------------------------------------------------------------------ sweeper

    private async Task SweepOwnedPartitionsAsync(CancellationToken cancellationToken)
    {
        foreach (var partition in _partitions.Where(p => p.Owned && WallNow >= p.NextSweep))
        {
            partition.NextSweep = WallNow + _options.SweepInterval;
            await SweepPartitionAsync(partition.Index, cancellationToken);
        }
    }

    /// <summary>
    /// Converges the index of one partition and repairs interrupted starts: every unsettled index row due for a check is compared
    /// with its status row. A missing status row removes the index row; a Pending instance without history whose start was sent
    /// longer than <see cref="AzureStorageOrchestrationBackendOptions.PendingStartTimeout"/> ago gets its start message again
    /// (the status row's <c>StartSentAt</c> is advanced by compare-and-swap first, so only one sweeper re-sends it).
    /// </summary>
    internal async Task SweepPartitionAsync(int partition, CancellationToken cancellationToken)
    {
        var filter = Storage.Tables.TableOdataFilter.Create($"PartitionKey eq {TaskHub.PartitionKeyOfIndex(partition)} and Unsettled eq {true} and CheckAfter lt {WallNow}");
        var rows = new List<Storage.Tables.TableEntity>();
        await foreach (var row in _store.Index.QueryAsync<Storage.Tables.TableEntity>(filter, 100, cancellationToken: cancellationToken))
        {
            rows.Add(row);
            if (rows.Count >= 100)
            {
                break;
            }
        }

        foreach (var row in rows)
        {
            var instanceId = TaskHub.UnsanitizeKey(row.RowKey);
            var record = await _store.LoadAsync(instanceId, withHistory: false, cancellationToken);
            if (record is null)
            {
                await _store.DeleteIndexAsync(instanceId, cancellationToken);
                continue;
            }

            var state = record.State;
            var since = record.StartSentAt ?? state.CreatedAt;
            if (state.RuntimeStatus == OrchestrationRuntimeStatus.Pending
                && record.HistoryCount == 0
                && WallNow - since >= _options.PendingStartTimeout
                && (state.ScheduledStartTime is null || state.ScheduledStartTime <= EngineNow))
            {
                record.StartSentAt = WallNow;
                if (await _store.TryReplaceStatusAsync(record, record.ETag, cancellationToken) is not null)
                {
                    var start = new ExecutionStartedEvent(state.CreatedAt, state.Name, instanceId, state.ExecutionId, state.Input, state.ParentInstance, state.ScheduledStartTime);
                    await SendToInstanceAsync(TaskMessage.Create(instanceId, state.ExecutionId, start), cancellationToken);
                    _logger.StartResent(instanceId, since);
                }
            }

            var next = state.RuntimeStatus == OrchestrationRuntimeStatus.Pending ? _options.PendingStartTimeout : _options.IndexReconcileInterval;
            await _store.WriteIndexAsync(state, WallNow + next, cancellationToken);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static async Task DelayQuietlyAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task IgnoreFailuresAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
#pragma warning disable CA1031 // Best-effort housekeeping: a failure is logged and left to the next pass.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LoopFailed("housekeeping", ex);
        }
    }
}
