namespace EeFunctions.App.Health;

/// <summary>Runs every probe at once, each under a time limit, and builds the report.</summary>
public sealed partial class HealthService(IEnumerable<IHealthProbe> probes, ILogger<HealthService> logger)
{
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(probes.Select(async probe =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_probeTimeout);
            ComponentHealth health;
            try
            {
                health = await probe.CheckAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                health = new ComponentHealth(false, $"no answer within {s_probeTimeout.TotalSeconds:F0} s");
            }

            if (!health.Healthy)
            {
                LogUnhealthy(logger, probe.Component, health.Detail);
            }

            return (probe.Component, health);
        }));

        var components = results.ToDictionary(r => r.Component, r => r.health, StringComparer.Ordinal);
        return new HealthReport(components.Values.All(c => c.Healthy) ? "Healthy" : "Unhealthy", components);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "health: {Component} is unhealthy: {Detail}")]
    private static partial void LogUnhealthy(ILogger logger, string component, string detail);
}
