using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Azure;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using EeFunctions.Storage.Blobs;
using EeFunctions.Storage.Blobs.Models;
using EeFunctions.Storage.Blobs.Specialized;
using EeFunctions.Storage.Queues;
using EeFunctions.Storage.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EeFunctions.Durable.AzureStorage;

/// <summary>
/// The durable engine's backend on Azure Storage (queues, tables, blobs; Azurite locally). See <see cref="TaskHub"/> for the
/// layout and <see cref="InstanceStore"/> for the commit protocol. Message flow:
/// <list type="bullet">
/// <item>Start: conditional insert of the status row (or an ETag replace of a terminal one), then the start message on the
/// instance's control queue. A crash in between is repaired by the sweeper of the owning partition, which re-sends the start of
/// instances Pending without history for longer than <see cref="AzureStorageOrchestrationBackendOptions.PendingStartTimeout"/>.</item>
/// <item>Episode: the partition owner buffers control messages per instance (up to 32 per receive) and runs one episode per
/// instance with everything buffered; outbound messages are sent first (they may duplicate after a crash: receivers drop
/// duplicates), then the checkpoint is committed (fenced by the status row's ETag), then the consumed messages are deleted.</item>
/// <item>Activities: competing consumers on <c>{hub}-workitems</c>; visibility is renewed while the activity runs; the result is
/// sent before the work item is deleted (at least once).</item>
/// <item>Timers and scheduled starts: delayed messages on the instance's control queue, re-armed in hops when further away
/// than the visibility limit.</item>
/// <item>Poison: a message dequeued more than <see cref="AzureStorageOrchestrationBackendOptions.MaxDequeueCount"/> times fails
/// its activity or instance with a clear error instead of being retried forever.</item>
/// </list>
/// </summary>
public sealed partial class AzureStorageOrchestrationBackend : IOrchestrationBackend, IDisposable, IAsyncDisposable
{
    private readonly AzureStorageOrchestrationBackendOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TaskHub _hub;
    private readonly QueueClient[] _controlQueues;
    private readonly QueueClient _workItems;
    private readonly BlobContainerClient _leases;
    private readonly BlobContainerClient _largeMessages;
    private readonly TableServiceClient _tables;
    private readonly MessageCodec _codec;
    private readonly InstanceStore _store;
    private readonly Lock _initGate = new();
    private Task? _initialized;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _stateSignals = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates a backend; nothing is contacted until first use.</summary>
    public AzureStorageOrchestrationBackend(AzureStorageOrchestrationBackendOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<AzureStorageOrchestrationBackend>();
        _hub = new TaskHub(options.HubName, options.PartitionCount);

        var queueOptions = new QueueClientOptions();
        var tableOptions = new TableClientOptions();
        var blobOptions = new BlobClientOptions();
        foreach (var policy in options.PipelinePolicies)
        {
            queueOptions.AddPolicy(policy, Azure.Core.HttpPipelinePosition.PerCall);
            tableOptions.AddPolicy(policy, Azure.Core.HttpPipelinePosition.PerCall);
            blobOptions.AddPolicy(policy, Azure.Core.HttpPipelinePosition.PerCall);
        }

        var queues = new QueueServiceClient(options.ConnectionString, queueOptions);
        _tables = new TableServiceClient(options.ConnectionString, tableOptions);
        var blobs = new BlobServiceClient(options.ConnectionString, blobOptions);
        _controlQueues = [.. Enumerable.Range(0, _hub.PartitionCount).Select(p => queues.GetQueueClient(_hub.ControlQueue(p)))];
        _workItems = queues.GetQueueClient(_hub.WorkItemQueue);
        _leases = blobs.GetBlobContainerClient(_hub.LeasesContainer);
        _largeMessages = blobs.GetBlobContainerClient(_hub.LargeMessagesContainer);
        _codec = new MessageCodec(_largeMessages);
        _store = new InstanceStore(_hub, _tables.GetTableClient(_hub.HistoryTable), _tables.GetTableClient(_hub.InstancesTable), _codec);
        _partitions = [.. Enumerable.Range(0, _hub.PartitionCount).Select(p => new PartitionRuntime(
            p,
            _controlQueues[p],
            _leases.GetBlobClient($"control-{p:D2}").GetBlobLeaseClient(Guid.NewGuid().ToString()),
            new PollBackoff(options.MinQueuePollingInterval, options.MaxQueuePollingInterval)))];
        _activityBackoff = new PollBackoff(options.MinQueuePollingInterval, options.MaxQueuePollingInterval);
    }

    /// <summary>The options in force.</summary>
    public AzureStorageOrchestrationBackendOptions Options => _options;

    /// <summary>Partitions this worker owns now (for tests and diagnostics).</summary>
    public IReadOnlyList<int> OwnedPartitions => [.. _partitions.Where(p => p.Owned).Select(p => p.Index)];

    internal InstanceStore Store => _store;

    internal TaskHub Hub => _hub;

    private DateTime EngineNow => _timeProvider.GetUtcNow().UtcDateTime;

    private static DateTime WallNow => DateTime.UtcNow;

    /// <summary>Creates the task hub's queues, tables and containers and checks <c>taskhub.json</c>. Idempotent.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        lock (_initGate)
        {
            // A failed attempt (storage unreachable at start-up) is retried by the next caller.
            if (_initialized is null || _initialized.IsFaulted || _initialized.IsCanceled)
            {
                _initialized = InitializeAsync(_shutdown.Token);
            }

            return _initialized.WaitAsync(cancellationToken);
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var creates = new List<Task>();
        creates.AddRange(_controlQueues.Select(q => q.CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        creates.Add(_workItems.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        creates.Add(_store.History.CreateIfNotExistsAsync(cancellationToken));
        creates.Add(_store.Index.CreateIfNotExistsAsync(cancellationToken));
        creates.Add(_leases.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        creates.Add(_largeMessages.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        await Task.WhenAll(creates);

        // taskhub.json records the partition count; a different count on an existing hub would route instances to the wrong
        // control queues, so it is a start-up error.
        var taskHubJson = _leases.GetBlobClient("taskhub.json");
        var document = JsonSerializer.Serialize(new TaskHubInfo(_hub.Name, WallNow, _hub.PartitionCount));
        try
        {
            await taskHubJson.UploadAsync(BinaryData.FromString(document), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = JsonSerializer.Deserialize<TaskHubInfo>((await taskHubJson.DownloadContentAsync(cancellationToken: cancellationToken)).Value.Content.ToString());
            if (existing is null || existing.PartitionCount != _hub.PartitionCount)
            {
                throw new InvalidOperationException(
                    $"The task hub '{_hub.Name}' was created with {existing?.PartitionCount} partitions, but partitionCount is {_hub.PartitionCount}. " +
                    "The partition count of an existing hub cannot change: set it back, or use a new hubName.");
            }
        }

        var leaseBlobs = Enumerable.Range(0, _hub.PartitionCount).Select(async p =>
        {
            try
            {
                await _leases.GetBlobClient($"control-{p:D2}").UploadAsync(BinaryData.FromString(string.Empty), overwrite: false, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Exists (possibly leased).
            }
        });
        await Task.WhenAll(leaseBlobs);
        _logger.HubReady(_hub.Name, _hub.PartitionCount, _options.WorkerId);
    }

    // ------------------------------------------------------------------------------------------------ client operations

    /// <inheritdoc />
    public async Task CreateInstanceAsync(TaskMessage startMessage, IReadOnlyCollection<OrchestrationRuntimeStatus> dedupeStatuses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(startMessage);
        ArgumentNullException.ThrowIfNull(dedupeStatuses);
        if (startMessage.Event is not ExecutionStartedEvent start)
        {
            throw new ArgumentException("The start message must carry an ExecutionStarted event.", nameof(startMessage));
        }

        await EnsureCreatedAsync(cancellationToken);
        var record = NewPendingRecord(start);

        // 1. The index row is marked for verification first, so a crash anywhere below leaves something the sweeper finds.
        await _store.MarkUnsettledAsync(start.InstanceId, WallNow + _options.PendingStartTimeout, cancellationToken);

        // 2. Conditional create: insert, or replace a row the dedupe rules allow replacing, If-Match the ETag that was judged.
        while (true)
        {
            if (await _store.TryInsertStatusAsync(record, cancellationToken) is not null)
            {
                break;
            }

            var existing = await _store.LoadAsync(start.InstanceId, withHistory: false, cancellationToken);
            if (existing is null)
            {
                continue;
            }

            var status = existing.State.RuntimeStatus;
            if (dedupeStatuses.Contains(status) || (status == OrchestrationRuntimeStatus.ContinuedAsNew && dedupeStatuses.Contains(OrchestrationRuntimeStatus.Running)))
            {
                throw new OrchestrationAlreadyExistsException(start.InstanceId, status);
            }

            if (await _store.TryReplaceStatusAsync(record, existing.ETag, cancellationToken) is not null)
            {
                break;
            }
        }

        // 3. The start message (delayed for a scheduled start).
        await SendToInstanceAsync(startMessage, cancellationToken);
        SignalState(start.InstanceId);
    }

    internal static InstanceRecord NewPendingRecord(ExecutionStartedEvent start) => new()
    {
        State = OrchestrationState.Pending(start),
        ETag = default,
        HistoryExecutionId = start.ExecutionId,
        HistoryCount = 0,
        History = [],
        StartSentAt = WallNow,
    };

    /// <inheritdoc />
    public async Task<bool> SendMessageAsync(TaskMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await EnsureCreatedAsync(cancellationToken);
        var exists = await _store.History.GetEntityIfExistsAsync<TableEntity>(TaskHub.SanitizeKey(message.InstanceId), TaskHub.StatusRowKey, ["RowKey"], cancellationToken);
        if (!exists.HasValue)
        {
            return false;
        }

        await SendToInstanceAsync(message, cancellationToken);
        return true;
    }

    /// <summary>Sends a message to its instance's control queue, delayed until <see cref="TaskMessage.VisibleAt"/> (in hops).</summary>
    private async Task SendToInstanceAsync(TaskMessage message, CancellationToken cancellationToken)
    {
        var partition = _hub.PartitionOf(message.InstanceId);
        var text = await _codec.EncodeAsync(message, cancellationToken);
        await SendTextAsync(_controlQueues[partition], text, message.VisibleAt, cancellationToken);
        _partitions[partition].Backoff.Signal();
    }

    private async Task SendTextAsync(QueueClient queue, string text, DateTime? visibleAt, CancellationToken cancellationToken)
    {
        TimeSpan? delay = null;
        if (visibleAt is { } due && due > EngineNow)
        {
            var wait = due - EngineNow;
            if (wait > _options.MaxMessageVisibilityDelay)
            {
                wait = _options.MaxMessageVisibilityDelay;
            }

            // Whole seconds, rounded up: a delayed message never shows before its time (it is re-armed if it would).
            delay = TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds));
        }

        await queue.SendMessageAsync(text, delay, TimeSpan.FromSeconds(-1), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<OrchestrationState?> GetStateAsync(string instanceId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return (await _store.LoadAsync(instanceId, withHistory: false, cancellationToken))?.State;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return (await _store.LoadAsync(instanceId, withHistory: true, cancellationToken))?.History ?? [];
    }

    /// <inheritdoc />
    public async Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        await EnsureCreatedAsync(cancellationToken);

        // Candidates from the index of every partition, in row-key order: settled rows matching the filter, and every unsettled
        // row (it may lag its status row). Each candidate is then checked against its status row, which is the truth.
        var filter = IndexFilter(query);
        var limit = query.PageSize + 1;
        var perPartition = await Task.WhenAll(Enumerable.Range(0, _hub.PartitionCount).Select(async p =>
        {
            var rows = new List<string>();
            var partitionFilter = TableOdataFilter.Create($"PartitionKey eq {TaskHub.PartitionKeyOfIndex(p)}") + filter;
            await foreach (var row in _store.Index.QueryAsync<TableEntity>(partitionFilter, limit, ["RowKey"], cancellationToken))
            {
                rows.Add(row.RowKey);
                if (rows.Count >= limit)
                {
                    break;
                }
            }

            return (rows, complete: rows.Count < limit);
        }));

        var merged = perPartition.SelectMany(r => r.rows).Order(StringComparer.Ordinal).ToList();

        // Rows beyond the smallest last key of a partition that was cut off may be missing from the merge: stop there.
        string? cutoff = perPartition.Where(r => !r.complete).Select(r => r.rows[^1]).Min(StringComparer.Ordinal);
        var candidates = cutoff is null ? merged : merged.Where(k => string.CompareOrdinal(k, cutoff) <= 0).ToList();
        var more = cutoff is not null;

        var results = new List<OrchestrationState>();
        string? lastExamined = null;
        var index = 0;
        while (index < candidates.Count && results.Count < query.PageSize)
        {
            var chunk = candidates.Skip(index).Take(query.PageSize - results.Count).ToList();
            index += chunk.Count;
            var states = await Task.WhenAll(chunk.Select(k => _store.LoadAsync(TaskHub.UnsanitizeKey(k), withHistory: false, cancellationToken)));
            results.AddRange(states.Where(s => s is not null && query.Matches(s.State)).Select(s => s!.State));
            lastExamined = chunk[^1];
        }

        more |= index < candidates.Count;
        return new InstancePage(results, more ? lastExamined : null);
    }

    private static readonly DateTime s_minTableDate = new(1601, 1, 2, 0, 0, 0, DateTimeKind.Utc);

    private static string IndexFilter(InstanceQuery query)
    {
        var filter = string.Empty;
        if (query.ContinuationToken is { } after)
        {
            filter += TableOdataFilter.Create($" and RowKey gt {after}");
        }

        if (query.InstanceIdPrefix is { Length: > 0 } prefix)
        {
            var sanitized = TaskHub.SanitizeKey(prefix);
            filter += TableOdataFilter.Create($" and RowKey ge {sanitized} and RowKey lt {sanitized + "\uffff"}");
        }

        var settled = new List<string>();
        if (query.Statuses is { Count: > 0 } statuses)
        {
            settled.Add("(" + string.Join(" or ", statuses.Select(s => TableOdataFilter.Create($"RuntimeStatus eq {s.ToString()}"))) + ")");
        }

        // Azure Tables stores dates from 1601-01-01; wider bounds are no bounds.
        if (query.CreatedFrom is { } from && from > s_minTableDate)
        {
            settled.Add(TableOdataFilter.Create($"CreatedAt ge {from}"));
        }

        if (query.CreatedTo is { } to && to < DateTime.MaxValue.AddDays(-2))
        {
            settled.Add(TableOdataFilter.Create($"CreatedAt le {to}"));
        }

        if (settled.Count > 0)
        {
            filter += " and ((" + string.Join(" and ", settled) + ") or Unsettled eq true)";
        }

        return filter;
    }

    /// <inheritdoc />
    public async Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        while (true)
        {
            var record = await _store.LoadAsync(instanceId, withHistory: false, cancellationToken);
            if (record is null)
            {
                return 0;
            }

            if (!record.State.RuntimeStatus.IsTerminal())
            {
                throw new InvalidOperationException(
                    $"The instance '{instanceId}' is {record.State.RuntimeStatus}; only completed, failed or terminated instances can be purged.");
            }

            var pk = TaskHub.SanitizeKey(instanceId);
            try
            {
                // The status row goes first (If-Match: a concurrent re-creation wins); the rest is then unreachable garbage.
                await _store.History.DeleteEntityAsync(pk, TaskHub.StatusRowKey, record.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                continue;
            }

            await _store.DeletePartitionAsync(pk, cancellationToken);
            await _store.DeleteIndexAsync(instanceId, cancellationToken);
            await foreach (var blob in _largeMessages.GetBlobsAsync(prefix: pk + "/", cancellationToken: cancellationToken))
            {
                await _largeMessages.GetBlobClient(blob.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            }

            SignalState(instanceId);
            return 1;
        }
    }

    /// <inheritdoc />
    public async Task<int> PurgeInstancesAsync(InstanceQuery filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var terminal = new[] { OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated };
        var statuses = filter.Statuses is { Count: > 0 } requested ? terminal.Where(requested.Contains).ToList() : [.. terminal];
        if (statuses.Count == 0)
        {
            return 0;
        }

        var victims = new List<string>();
        var query = filter with { Statuses = statuses, PageSize = 100, ContinuationToken = null };
        while (true)
        {
            var page = await QueryInstancesAsync(query, cancellationToken);
            victims.AddRange(page.Instances.Select(s => s.InstanceId));
            if (page.ContinuationToken is null)
            {
                break;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }

        var purged = 0;
        foreach (var id in victims)
        {
            try
            {
                purged += await PurgeInstanceAsync(id, cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // Re-created since the query: not terminal any more.
            }
        }

        return purged;
    }

    /// <inheritdoc />
    public async Task<OrchestrationState?> WaitForStateAsync(string instanceId, Func<OrchestrationState, bool> predicate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);

        // Commits in this process signal at once; other processes' commits are seen by polling (50 ms doubling to 1 s).
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var source = _stateSignals.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var signal = source.Task;
            var state = await GetStateAsync(instanceId, cancellationToken);
            if (state is null || predicate(state))
            {
                return state;
            }

            await Task.WhenAny(signal, Task.Delay(delay, cancellationToken));
            if (!signal.IsCompleted)
            {
                // Nobody in this process signalled (the instance runs elsewhere): do not keep the entry around.
                _stateSignals.TryRemove(new KeyValuePair<string, TaskCompletionSource>(instanceId, source));
            }

            cancellationToken.ThrowIfCancellationRequested();
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    private void SignalState(string instanceId)
    {
        if (_stateSignals.TryRemove(instanceId, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    /// <summary>Stops polling, hands buffered messages back to the queues and releases the partition leases.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopWorkerAsync();
    }

    private sealed record TaskHubInfo(string TaskHubName, DateTime CreatedAt, int PartitionCount);
}
