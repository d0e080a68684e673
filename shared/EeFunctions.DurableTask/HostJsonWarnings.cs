using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EeFunctions.DurableTask;

/// <summary>Logs the host.json keys under <c>extensions.durableTask</c> that are ignored, as the Functions host ignores them.</summary>
internal sealed partial class HostJsonWarnings(IConfiguration configuration, ILogger<HostJsonWarnings> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in DurableTaskHostJson.Check(configuration.GetSection(DurableTaskExtensionOptions.SectionName)).Warnings)
        {
            LogIgnored(logger, warning);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 320, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogIgnored(ILogger logger, string warning);
}
