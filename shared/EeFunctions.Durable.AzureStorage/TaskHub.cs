using System.Globalization;
using System.Text;

namespace EeFunctions.Durable.AzureStorage;

/// <summary>
/// The names of a task hub's resources and the key rules:
/// <list type="bullet">
/// <item>control queues <c>{hub}-control-00..NN</c> (one per partition; partition = FNV-1a of the instance id mod N),</item>
/// <item>the activity queue <c>{hub}-workitems</c>,</item>
/// <item>the table <c>{Hub}History</c>: one partition per instance (PK = sanitized instance id) holding the status row
/// (RK <c>!state</c>) and the history rows (RK <c>h{executionId}-{seq:D8}</c>, or with <c>-{attempt}</c> for large checkpoints),</item>
/// <item>the table <c>{Hub}Instances</c>: the queryable instance index (PK = partition number, RK = sanitized instance id),</item>
/// <item>the containers <c>{hub}-largemessages</c> (gzip payloads) and <c>{hub}-leases</c> (<c>taskhub.json</c>, partition
/// lease blobs, worker heartbeats).</item>
/// </list>
/// </summary>
internal sealed class TaskHub(string hubName, int partitionCount)
{
    public const string StatusRowKey = "!state";

    public string Name { get; } = hubName;

    public int PartitionCount { get; } = partitionCount;

    public string LowerName { get; } = hubName.ToLowerInvariant();

    public string HistoryTable => Name + "History";

    public string InstancesTable => Name + "Instances";

    public string WorkItemQueue => LowerName + "-workitems";

    public string LargeMessagesContainer => LowerName + "-largemessages";

    public string LeasesContainer => LowerName + "-leases";

    public string ControlQueue(int partition) => $"{LowerName}-control-{partition:D2}";

    public static string PartitionKeyOfIndex(int partition) => partition.ToString("D2", CultureInfo.InvariantCulture);

    public int PartitionOf(string instanceId) => (int)(Fnv1a(instanceId) % (uint)PartitionCount);

    /// <summary>32-bit FNV-1a of the UTF-8 bytes (as DurableTask.AzureStorage).</summary>
    public static uint Fnv1a(string value)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return hash;
    }

    /// <summary>Makes an instance id a valid table key: <c>^</c> → <c>^^</c>, <c>/ \ # ?</c> → <c>^0..^3</c>, control chars → <c>^</c> + shifted char.</summary>
    public static string SanitizeKey(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            switch (c)
            {
                case '^': builder.Append("^^"); break;
                case '/': builder.Append("^0"); break;
                case '\\': builder.Append("^1"); break;
                case '#': builder.Append("^2"); break;
                case '?': builder.Append("^3"); break;
                case < (char)0x20 or (>= (char)0x7F and <= (char)0x9F): builder.Append('^').Append((char)(c + 0xC0)); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>The inverse of <see cref="SanitizeKey"/>.</summary>
    public static string UnsanitizeKey(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '^' || i + 1 >= value.Length)
            {
                builder.Append(c);
                continue;
            }

            var next = value[++i];
            builder.Append(next switch
            {
                '^' => '^',
                '0' => '/',
                '1' => '\\',
                '2' => '#',
                '3' => '?',
                _ => (char)(next - 0xC0),
            });
        }

        return builder.ToString();
    }

    public static string HistoryRowPrefix(string executionId) => "h" + SanitizeKey(executionId) + "-";

    public static string HistoryRowKey(string executionId, int sequence, string? attempt) =>
        HistoryRowPrefix(executionId) + sequence.ToString("D8", CultureInfo.InvariantCulture) + (attempt is null ? string.Empty : "-" + attempt);
}
