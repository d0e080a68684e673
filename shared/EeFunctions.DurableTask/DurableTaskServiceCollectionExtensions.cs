using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EeFunctions.DurableTask;

/// <summary>Registers the Durable Task SDK's worker and client running on DTFx's Azure Storage provider in this process.</summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>The worker and the client.</summary>
    /// <param name="storage">The storage account of the task hub (the <c>AzureWebJobsStorage</c> connection).</param>
    public static IServiceCollection AddDurableTaskOnAzureStorage(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, StorageAccountClientProvider> storage)
    {
        services.AddDurableTaskClientOnAzureStorage(configuration, storage);
        services.AddOptions<DeliveryGuardOptions>().Bind(configuration.GetSection(DeliveryGuardOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<DeliveryGuard>();

        // The registry is composed from contributors, so features (and tests) add their orchestrations independently.
        services.AddOptions<DurableTaskRegistry>(Options.DefaultName).Configure<IEnumerable<IDurableTaskContributor>>((registry, contributors) =>
        {
            foreach (var contributor in contributors)
            {
                contributor.Register(registry);
            }
        });
        services.AddDurableTaskWorker(builder => builder.UseBuildTarget<ShimDurableTaskWorker>());
        services.Configure<DurableTaskWorkerOptions>(o => o.DataConverter = DurableJson.Converter);
        return services;
    }

    /// <summary>
    /// The client side only (the task hub, <see cref="DurableTaskClient"/>, the starter), for a process that starts and
    /// watches orchestrations that other processes run.
    /// </summary>
    public static IServiceCollection AddDurableTaskClientOnAzureStorage(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, StorageAccountClientProvider> storage)
    {
        services.AddOrchestrationStarterOnAzureStorage(configuration, storage);
        services.TryAddSingleton(sp => new AzureStorageOrchestrationService(sp.GetRequiredService<AzureStorageOrchestrationServiceSettings>()));
        services.TryAddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        services.TryAddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        services.AddSingleton<TaskHubStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskHubStartup>());
        services.AddHostedService<HostJsonWarnings>();
        services.TryAddSingleton<RegisteredTasks>();
        services.AddDurableTaskClient(builder => builder.UseBuildTarget<ShimDurableTaskClient>());
        services.Configure<DurableTaskClientOptions>(o => o.DataConverter = DurableJson.Converter);
        return services;
    }

    /// <summary>
    /// The task hub's settings (from host.json's <c>extensions.durableTask</c>) and <see cref="OrchestrationStarter"/>,
    /// without an engine or client: for a host whose engine runs elsewhere (the Azure Functions host), whose callers pass
    /// the client they were given.
    /// </summary>
    public static IServiceCollection AddOrchestrationStarterOnAzureStorage(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, StorageAccountClientProvider> storage)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(DurableTaskExtensionOptions.SectionName);
        services.AddOptions<DurableTaskExtensionOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DurableTaskExtensionOptions>>(new HostJsonKeysValidation(section));
        services.TryAddSingleton(sp => AzureStorageTaskHub.Settings(sp.GetRequiredService<IOptions<DurableTaskExtensionOptions>>().Value, storage(sp), sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<OrchestrationStarter>();
        return services;
    }

    /// <summary>A Durable Functions key this service does not honour stops the start, naming the key.</summary>
    private sealed class HostJsonKeysValidation(IConfiguration section) : IValidateOptions<DurableTaskExtensionOptions>
    {
        public ValidateOptionsResult Validate(string? name, DurableTaskExtensionOptions options) =>
            DurableTaskHostJson.Check(section).Errors is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
