using EeFunctions.Durable;
using EeFunctions.Durable.AzureStorage;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.InMemory;
using EeFunctions.Durable.Worker;
using EeFunctions.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EeFunctions.Functions.Durable;

/// <summary>Hosts the durable engine in the app and exposes its HTTP management API.</summary>
public static class DurableServiceCollectionExtensions
{
    public static IServiceCollection AddDurableFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DurableHttpApiOptions>().Bind(configuration.GetSection(DurableHttpApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        var durableSection = configuration.GetSection(DurableTaskExtensionOptions.SectionName);
        services.AddDurableTask(builder => builder.UseBackend(sp => CreateBackend(sp, durableSection)));
        services.AddHostedService<TaskHubStartup>();
        if (configuration.GetValue<bool>(SelfTestOrchestrations.SettingName))
        {
            services.AddSingleton<IDurableTaskContributor, SelfTestOrchestrations>();
        }

        // The registry is composed from contributors, so features (and tests) add their orchestrations independently.
        services.Replace(ServiceDescriptor.Singleton(sp =>
        {
            var registry = new DurableTaskRegistry();
            foreach (var contributor in sp.GetServices<IDurableTaskContributor>())
            {
                contributor.Register(registry);
            }

            return registry;
        }));

        // host.json extensions.durableTask → worker limits.
        services.AddOptions<DurableTaskWorkerOptions>().Configure<IOptions<DurableTaskExtensionOptions>>((worker, host) =>
        {
            worker.MaxConcurrentActivityFunctions = host.Value.MaxConcurrentActivityFunctions;
            worker.MaxConcurrentOrchestratorFunctions = host.Value.MaxConcurrentOrchestratorFunctions;
        });
        services.AddSingleton<DurableHttpManagement>();
        services.TryAddSingleton<IDurableApiAuthorizer, SystemKeyAuthorizer>();
        return services;
    }

    /// <summary>host.json's storage provider: the task hub on AzureWebJobsStorage (read as Durable Functions reads it), or in memory.</summary>
    private static IOrchestrationBackend CreateBackend(IServiceProvider services, IConfigurationSection durableSection)
    {
        // Reading the validated options first makes a bad setting fail start with the message that names it.
        var durable = services.GetRequiredService<IOptions<DurableTaskExtensionOptions>>().Value;
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var timeProvider = services.GetService<TimeProvider>();
        if (durable.StorageProvider.Type == DurableStorageProviderOptions.InMemory)
        {
            return new InMemoryOrchestrationBackend(timeProvider);
        }

        var options = new AzureStorageOrchestrationBackendOptions().BindDurableTaskSection(durableSection);
        options.ConnectionString = storage.ConnectionString;
        if (durableSection["maxQueuePollingInterval"] is { Length: > 0 })
        {
            // Also accepted directly under extensions.durableTask (where our host.json puts it).
            options.MaxQueuePollingInterval = durable.MaxQueuePollingInterval;
        }

        return new AzureStorageOrchestrationBackend(options, timeProvider, services.GetService<ILoggerFactory>());
    }
}
