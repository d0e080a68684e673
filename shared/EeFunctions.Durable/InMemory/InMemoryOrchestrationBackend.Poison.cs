using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;

namespace EeFunctions.Durable.InMemory;

/// <summary>
/// The poison limit, as the Azure Storage backend has it: a message that keeps coming back unprocessed (its episode is
/// abandoned because the worker fails on it, or its activity's lock keeps expiring) fails its instance or activity after
/// <see cref="InMemoryOrchestrationBackendOptions.MaxDeliveryCount"/> deliveries instead of being retried forever.
/// </summary>
public sealed partial class InMemoryOrchestrationBackend
{
    private const string PoisonErrorType = "PoisonMessage";

    /// <summary>
    /// Counts this delivery of <paramref name="messages"/>; a message past the limit is removed from them and fails the
    /// instance. Returns false when no message is left to hand out.
    /// </summary>
    private bool DropPoisonLocked(InstanceRecord record, List<TaskMessage> messages)
    {
        TaskMessage? poison = null;
        var count = 0;
        foreach (var message in messages.DistinctBy(m => m.MessageId))
        {
            var deliveries = record.Deliveries.GetValueOrDefault(message.MessageId) + 1;
            record.Deliveries[message.MessageId] = deliveries;
            if (poison is null && deliveries > _options.MaxDeliveryCount)
            {
                (poison, count) = (message, deliveries);
            }
        }

        if (poison is null)
        {
            return true;
        }

        messages.RemoveAll(m => m.MessageId == poison.MessageId);
        record.Deliveries.Remove(poison.MessageId);
        FailPoisonedInstanceLocked(record, poison, count);

        // The rest go to the engine as usual, which drops them now that the instance is terminal.
        return messages.Count > 0;
    }

    private static void ForgetDeliveriesLocked(InstanceRecord record, IReadOnlyList<TaskMessage> consumed)
    {
        foreach (var message in consumed)
        {
            record.Deliveries.Remove(message.MessageId);
        }
    }

    private void FailPoisonedInstanceLocked(InstanceRecord record, TaskMessage poison, int deliveries)
    {
        if (record.State.RuntimeStatus.IsTerminal())
        {
            return;
        }

        var now = Now;
        var details = new TaskFailureDetails(
            PoisonErrorType,
            $"The {poison.Event.EventType} message {poison.MessageId} for instance '{record.InstanceId}' was delivered {deliveries} times " +
            $"without being processed (the limit is {_options.MaxDeliveryCount}); the instance was failed instead of retrying it forever.");
        record.History.AddRange(
        [
            new OrchestratorStartedEvent(now),
            new ExecutionCompletedEvent(now, OrchestrationRuntimeStatus.Failed, details.ErrorMessage, details),
            new OrchestratorCompletedEvent(now),
        ]);
        record.State = record.State with
        {
            RuntimeStatus = OrchestrationRuntimeStatus.Failed,
            Output = details.ErrorMessage,
            FailureDetails = details,
            LastUpdatedAt = now,
            CompletedAt = now,
        };
        if (record.State.ParentInstance is { } parent)
        {
            RouteLocked(TaskMessage.Create(parent.InstanceId, parent.ExecutionId, new SubOrchestrationInstanceFailedEvent(now, parent.TaskScheduledId, details)));
        }

        NotifyWaitersLocked(record.InstanceId, record.State);
    }

    /// <summary>Fails an activity delivered too often: its orchestration sees a <c>PoisonMessage</c> task failure.</summary>
    private void FailPoisonActivity(TaskMessage message, int deliveries)
    {
        var scheduled = (TaskScheduledEvent)message.Event;
        var details = new TaskFailureDetails(
            PoisonErrorType,
            $"The activity '{scheduled.Name}' (#{scheduled.EventId}) of instance '{message.InstanceId}' was delivered {deliveries} times without completing " +
            $"(the limit is {_options.MaxDeliveryCount}); it was failed instead of retrying it forever.");
        lock (_gate)
        {
            RouteLocked(TaskMessage.Create(message.InstanceId, message.ExecutionId, new TaskFailedEvent(Now, scheduled.EventId, details)));
        }
    }
}
