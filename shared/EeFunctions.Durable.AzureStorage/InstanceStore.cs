using System.Globalization;
using System.Text.Json;
using Azure;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using EeFunctions.Storage.Tables;

namespace EeFunctions.Durable.AzureStorage;

/// <summary>One committed segment of history written by a large checkpoint: rows [From, To) carry the suffix <see cref="Attempt"/>.</summary>
internal sealed record HistorySegment(int From, int To, string Attempt);

/// <summary>An instance as loaded (or cached by its owner): the status row, its ETag and the committed history.</summary>
internal sealed class InstanceRecord
{
    public required OrchestrationState State { get; set; }

    public required ETag ETag { get; set; }

    /// <summary>The execution whose history rows are current (differs from the state's ExecutionId while ContinuedAsNew).</summary>
    public required string HistoryExecutionId { get; set; }

    public required int HistoryCount { get; set; }

    public List<HistorySegment> Segments { get; set; } = [];

    public List<HistoryEvent>? History { get; set; }

    public DateTime? StartSentAt { get; set; }
}

/// <summary>
/// The history table and the instance index.
/// <para><b>Commit protocol.</b> History and status of an instance live in one table partition (PK = sanitized instance id). The
/// status row (RK <c>!state</c>) records the runtime status, the execution, and <c>HistoryExecutionId</c>/<c>HistoryCount</c>: the
/// committed length of history. Readers trust only rows below <c>HistoryCount</c> of that execution, so rows written by a checkpoint
/// that never committed are invisible.</para>
/// <list type="number">
/// <item>A checkpoint whose new rows plus the status row fit one entity-group transaction (≤ 100 rows, ≤ ~3 MB) is one
/// transaction: upsert the rows, replace the status row If-Match its ETag. All or nothing.</item>
/// <item>A larger one (a fan-out of 1,000 schedules 1,000 events) first writes its rows under keys unique to this attempt
/// (<c>h{exec}-{seq:D8}-{attempt}</c>), in batches, then commits by replacing the status row If-Match its ETag, adding the
/// segment [from, to, attempt] to the status row. A crash or a lost race before the status write leaves only unreferenced rows;
/// a stalled former owner can write only rows under its own attempt id, so it can never overwrite committed history.</item>
/// <item>The rows of a fenced large attempt are deleted afterwards (best effort; after a crash they stay until purge).</item>
/// <item>Plain-keyed rows are written only inside a transaction that also commits the status row, so they never overwrite
/// committed rows either (a committed count only grows within an execution).</item>
/// </list>
/// The ETag of the status row is the instance's fencing token: every writer (owner checkpoints, re-creation, the sweeper) changes
/// it with compare-and-swap, and a stale ETag (412) means someone else wrote first — the checkpoint is rejected and nothing of it is
/// visible. Values over the property limit are stored as gzip blobs under unique names (written before the row that names them).
/// <para><b>Index.</b> <c>{Hub}Instances</c> (PK = partition, RK = sanitized id) is written after the status row, so it can lag:
/// rows that may lag carry <c>Unsettled = true</c> and <c>CheckAfter</c>; the sweeper of the owning partition compares them with
/// the status rows and repairs them, and queries verify unsettled candidates against the status rows. So the index converges.</para>
/// </summary>
internal sealed class InstanceStore(TaskHub hub, TableClient history, TableClient index, MessageCodec codec)
{
    private const int MaxTransactionBytes = 3 * 1024 * 1024;
    private static readonly string[] s_largeProperties = ["Input", "Output", "CustomStatus", "FailureDetails", "Segments"];

    public TableClient History => history;

    public TableClient Index => index;

    public static bool IsConflict(RequestFailedException ex) => ex.Status is 409 or 412 or 404;

    // ---------------------------------------------------------------- reading

    public async Task<InstanceRecord?> LoadAsync(string instanceId, bool withHistory, CancellationToken cancellationToken)
    {
        var pk = TaskHub.SanitizeKey(instanceId);
        var response = await history.GetEntityIfExistsAsync<TableEntity>(pk, TaskHub.StatusRowKey, cancellationToken: cancellationToken);
        if (!response.HasValue || response.Value is null)
        {
            return null;
        }

        var record = await ParseStatusAsync(instanceId, response.Value, cancellationToken);
        if (withHistory)
        {
            record.History = await LoadHistoryAsync(pk, record, cancellationToken);
        }

        return record;
    }

    public async Task<List<HistoryEvent>> LoadHistoryAsync(string partitionKey, InstanceRecord record, CancellationToken cancellationToken)
    {
        var events = new HistoryEvent?[record.HistoryCount];
        if (record.HistoryCount == 0)
        {
            return [];
        }

        var prefix = TaskHub.HistoryRowPrefix(record.HistoryExecutionId);
        var filter = TableOdataFilter.Create($"PartitionKey eq {partitionKey} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        await foreach (var row in history.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            var rest = row.RowKey[prefix.Length..];
            var dash = rest.IndexOf('-', StringComparison.Ordinal);
            var sequence = int.Parse(dash < 0 ? rest : rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
            var attempt = dash < 0 ? null : rest[(dash + 1)..];
            if (sequence >= record.HistoryCount)
            {
                continue; // not committed
            }

            var segment = record.Segments.FirstOrDefault(s => sequence >= s.From && sequence < s.To);
            if (!string.Equals(segment?.Attempt, attempt, StringComparison.Ordinal))
            {
                continue; // a row of an attempt that never committed
            }

            var json = row.GetString("E") ?? await codec.DownloadAsync(row.GetString("EB") ?? throw new FormatException($"History row {row.RowKey} has no event."), cancellationToken);
            events[sequence] = MessageCodec.DeserializeEvent(json);
        }

        var missing = Array.FindIndex(events, e => e is null);
        if (missing >= 0)
        {
            throw new InvalidDataException($"The history of instance '{record.State.InstanceId}' is missing committed event #{missing} of {record.HistoryCount}.");
        }

        return [.. events.Select(e => e!)];
    }

    private async Task<InstanceRecord> ParseStatusAsync(string instanceId, TableEntity row, CancellationToken cancellationToken)
    {
        async Task<string?> Large(string name) =>
            row.GetString(name) ?? (row.GetString(name + "Blob") is { } blob ? await codec.DownloadAsync(blob, cancellationToken) : null);

        var failure = await Large("FailureDetails");
        var parent = row.GetString("ParentInstance");
        var segments = await Large("Segments");
        var state = new OrchestrationState
        {
            InstanceId = instanceId,
            Name = row.GetString("Name") ?? string.Empty,
            ExecutionId = row.GetString("ExecutionId") ?? string.Empty,
            RuntimeStatus = Enum.Parse<OrchestrationRuntimeStatus>(row.GetString("RuntimeStatus") ?? nameof(OrchestrationRuntimeStatus.Pending)),
            CreatedAt = row.GetDateTime("CreatedAt") ?? default,
            LastUpdatedAt = row.GetDateTime("LastUpdatedAt") ?? default,
            CompletedAt = row.GetDateTime("CompletedAt"),
            ScheduledStartTime = row.GetDateTime("ScheduledStartTime"),
            Input = await Large("Input"),
            Output = await Large("Output"),
            CustomStatus = await Large("CustomStatus"),
            FailureDetails = failure is null ? null : JsonSerializer.Deserialize<TaskFailureDetails>(failure, MessageCodec.Json),
            ParentInstance = parent is null ? null : JsonSerializer.Deserialize<ParentOrchestrationInstance>(parent, MessageCodec.Json),
        };
        return new InstanceRecord
        {
            State = state,
            ETag = row.ETag,
            HistoryExecutionId = row.GetString("HistoryExecutionId") ?? state.ExecutionId,
            HistoryCount = row.GetInt32("HistoryCount") ?? 0,
            Segments = segments is null ? [] : JsonSerializer.Deserialize<List<HistorySegment>>(segments, MessageCodec.Json) ?? [],
            StartSentAt = row.GetDateTime("StartSentAt"),
        };
    }

    // ---------------------------------------------------------------- writing

    /// <summary>The status row of <paramref name="record"/>, with large values moved to blobs.</summary>
    public async Task<TableEntity> BuildStatusRowAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var state = record.State;
        var pk = TaskHub.SanitizeKey(state.InstanceId);
        var row = new TableEntity(pk, TaskHub.StatusRowKey)
        {
            ["Name"] = state.Name,
            ["ExecutionId"] = state.ExecutionId,
            ["RuntimeStatus"] = state.RuntimeStatus.ToString(),
            ["CreatedAt"] = state.CreatedAt,
            ["LastUpdatedAt"] = state.LastUpdatedAt,
            ["HistoryExecutionId"] = record.HistoryExecutionId,
            ["HistoryCount"] = record.HistoryCount,
        };
        Optional(row, "CompletedAt", state.CompletedAt);
        Optional(row, "ScheduledStartTime", state.ScheduledStartTime);
        Optional(row, "StartSentAt", record.StartSentAt);
        if (state.ParentInstance is { } parent)
        {
            row["ParentInstance"] = JsonSerializer.Serialize(parent, MessageCodec.Json);
        }

        var large = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Input"] = state.Input,
            ["Output"] = state.Output,
            ["CustomStatus"] = state.CustomStatus,
            ["FailureDetails"] = state.FailureDetails is null ? null : JsonSerializer.Serialize(state.FailureDetails, MessageCodec.Json),
            ["Segments"] = record.Segments.Count == 0 ? null : JsonSerializer.Serialize(record.Segments, MessageCodec.Json),
        };
        foreach (var name in s_largeProperties)
        {
            if (large[name] is not { } value)
            {
                continue;
            }

            if (value.Length <= MessageCodec.MaxInlinePropertyChars)
            {
                row[name] = value;
                continue;
            }

            var blob = $"{pk}/state-{Guid.NewGuid():N}-{name}.json.gz";
            await codec.UploadAsync(blob, value, cancellationToken);
            row[name + "Blob"] = blob;
        }

        return row;
    }

    private static void Optional(TableEntity row, string name, DateTime? value)
    {
        if (value is { } v)
        {
            row[name] = v;
        }
    }

    /// <summary>Inserts the status row of a new instance; false when a row exists.</summary>
    public async Task<ETag?> TryInsertStatusAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var row = await BuildStatusRowAsync(record, cancellationToken);
        try
        {
            var response = await history.AddEntityAsync(row, cancellationToken);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    /// <summary>Replaces the status row If-Match <paramref name="etag"/>; null when the ETag is stale or the row is gone.</summary>
    public async Task<ETag?> TryReplaceStatusAsync(InstanceRecord record, ETag etag, CancellationToken cancellationToken)
    {
        var row = await BuildStatusRowAsync(record, cancellationToken);
        try
        {
            var response = await history.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Commits a checkpoint (see the class remarks). Returns the new record, or null when fenced (the ETag is stale or the row gone):
    /// then nothing of the checkpoint is visible to readers.
    /// </summary>
    public async Task<InstanceRecord?> CommitAsync(InstanceRecord current, OrchestrationCheckpoint checkpoint, int concurrency, CancellationToken cancellationToken)
    {
        var newState = checkpoint.NewState ?? current.State;
        var replaces = checkpoint.ReplacesHistory;
        var historyExecution = replaces ? newState.ExecutionId : current.HistoryExecutionId;
        var baseCount = replaces ? 0 : current.HistoryCount;
        var pk = TaskHub.SanitizeKey(newState.InstanceId);
        var next = new InstanceRecord
        {
            State = newState,
            ETag = current.ETag,
            HistoryExecutionId = historyExecution,
            HistoryCount = baseCount + checkpoint.NewHistory.Count,
            Segments = replaces ? [] : [.. current.Segments],
            StartSentAt = current.StartSentAt,
        };

        var rows = new List<TableEntity>(checkpoint.NewHistory.Count);
        long bytes = 0;
        for (var i = 0; i < checkpoint.NewHistory.Count; i++)
        {
            var row = new TableEntity(pk, string.Empty);
            var json = MessageCodec.SerializeEvent(checkpoint.NewHistory[i]);
            if (json.Length <= MessageCodec.MaxInlinePropertyChars)
            {
                row["E"] = json;
                bytes += json.Length + 200;
            }
            else
            {
                var blob = $"{pk}/history-{Guid.NewGuid():N}.json.gz";
                await codec.UploadAsync(blob, json, cancellationToken);
                row["EB"] = blob;
                bytes += 300;
            }

            rows.Add(row);
        }

        var small = rows.Count + 1 <= TableClient.MaxTransactionActions && bytes <= MaxTransactionBytes;
        string? attempt = small ? null : Guid.NewGuid().ToString("N")[..12];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].RowKey = TaskHub.HistoryRowKey(historyExecution, baseCount + i, attempt);
        }

        if (attempt is not null)
        {
            next.Segments.Add(new HistorySegment(baseCount, next.HistoryCount, attempt));
        }

        var status = await BuildStatusRowAsync(next, cancellationToken);
        if (small)
        {
            var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList();
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, status, current.ETag));
            try
            {
                var responses = (await history.SubmitTransactionAsync(actions, cancellationToken)).Value;
                next.ETag = responses[^1].Headers.ETag ?? throw new InvalidOperationException("The transaction answered without the status row's ETag.");
                return next;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404 or 409)
            {
                return null;
            }
        }

        // Large: rows of this attempt first (unique keys, invisible until the status row names the segment), then the status row.
        var batches = rows.Chunk(TableClient.MaxTransactionActions).ToList();
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(concurrency, 4)), CancellationToken = cancellationToken },
            async (batch, ct) => await history.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), ct));
        try
        {
            var response = await history.UpdateEntityAsync(status, current.ETag, TableUpdateMode.Replace, cancellationToken);
            next.ETag = response.Headers.ETag ?? throw new InvalidOperationException("The status write answered without an ETag.");
            return next;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Fenced: the rows of this attempt are referenced by nobody; remove them (best effort, in the background).
            _ = Task.Run(
                async () =>
                {
                    try
                    {
                        foreach (var batch in batches)
                        {
                            await history.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.PartitionKey, r.RowKey), ETag.All)), CancellationToken.None);
                        }
                    }
                    catch (RequestFailedException)
                    {
                        // Left for purge.
                    }
                },
                CancellationToken.None);
            return null;
        }
    }

    /// <summary>Deletes every row of an instance's partition (after its status row is gone).</summary>
    public async Task DeletePartitionAsync(string partitionKey, CancellationToken cancellationToken)
    {
        var filter = TableOdataFilter.Create($"PartitionKey eq {partitionKey}");
        var keys = new List<TableEntity>();
        await foreach (var row in history.QueryAsync<TableEntity>(filter, 1000, ["PartitionKey", "RowKey"], cancellationToken))
        {
            keys.Add(new TableEntity(row.PartitionKey, row.RowKey));
        }

        foreach (var batch in keys.Chunk(TableClient.MaxTransactionActions))
        {
            await history.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
        }
    }

    /// <summary>Best-effort removal of the rows of an execution that is no longer current.</summary>
    public async Task DeleteExecutionRowsAsync(string partitionKey, string executionId, CancellationToken cancellationToken)
    {
        var prefix = TaskHub.HistoryRowPrefix(executionId);
        var filter = TableOdataFilter.Create($"PartitionKey eq {partitionKey} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        var keys = new List<TableEntity>();
        await foreach (var row in history.QueryAsync<TableEntity>(filter, 1000, ["PartitionKey", "RowKey"], cancellationToken))
        {
            keys.Add(new TableEntity(row.PartitionKey, row.RowKey));
        }

        foreach (var batch in keys.Chunk(TableClient.MaxTransactionActions))
        {
            await history.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
        }
    }

    // ---------------------------------------------------------------- index

    /// <summary>Marks an index row for verification (before a create), without touching its status fields.</summary>
    public Task MarkUnsettledAsync(string instanceId, DateTime checkAfter, CancellationToken cancellationToken)
    {
        var row = new TableEntity(TaskHub.PartitionKeyOfIndex(hub.PartitionOf(instanceId)), TaskHub.SanitizeKey(instanceId))
        {
            ["Unsettled"] = true,
            ["CheckAfter"] = checkAfter,
        };
        return index.UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Writes the index row from a committed state: terminal rows are settled, others are re-checked after <paramref name="checkAfter"/>.</summary>
    public Task WriteIndexAsync(OrchestrationState state, DateTime checkAfter, CancellationToken cancellationToken)
    {
        var terminal = state.RuntimeStatus.IsTerminal();
        var row = new TableEntity(TaskHub.PartitionKeyOfIndex(hub.PartitionOf(state.InstanceId)), TaskHub.SanitizeKey(state.InstanceId))
        {
            ["Name"] = state.Name,
            ["ExecutionId"] = state.ExecutionId,
            ["RuntimeStatus"] = state.RuntimeStatus.ToString(),
            ["CreatedAt"] = state.CreatedAt,
            ["Unsettled"] = !terminal,
            ["CheckAfter"] = terminal ? DateTime.MaxValue.AddDays(-1) : checkAfter,
        };
        return index.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task DeleteIndexAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await index.DeleteEntityAsync(TaskHub.PartitionKeyOfIndex(hub.PartitionOf(instanceId)), TaskHub.SanitizeKey(instanceId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone.
        }
    }
}
