using System.ComponentModel.DataAnnotations;

namespace EeFunctions.DurableTask;

/// <summary>App settings <c>DurableTask:*</c> of the poison-message guard.</summary>
public sealed class DeliveryGuardOptions
{
    public const string SectionName = "DurableTask";

    /// <summary>
    /// Deliveries of one message (an activity, or an orchestration episode) that never finished before it fails with
    /// <see cref="DeliveryGuard.PoisonErrorType"/> instead of coming back again (default 10).
    /// </summary>
    [Range(1, 1000)]
    public int MaxDeliveryCount { get; set; } = 10;
}
