using EeFunctions.Durable.Backend;
using EeFunctions.Durable.Client;
using EeFunctions.Durable.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EeFunctions.Durable.Worker;

/// <summary>Configures the durable task services: registry, backend, client and the hosted worker.</summary>
public sealed class DurableTaskBuilder
{
    internal DurableTaskBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    internal List<Action<DurableTaskRegistry>> RegistryActions { get; } = [];

    /// <summary>Registers orchestrators and activities.</summary>
    public DurableTaskBuilder AddTasks(Action<DurableTaskRegistry> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        RegistryActions.Add(configure);
        return this;
    }

    /// <summary>Uses the backend created by <paramref name="factory"/> (e.g. Azure Storage).</summary>
    public DurableTaskBuilder UseBackend(Func<IServiceProvider, IOrchestrationBackend> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>Uses the in-memory backend (the default).</summary>
    public DurableTaskBuilder UseInMemoryBackend(Action<InMemoryOrchestrationBackendOptions>? configure = null) =>
        UseBackend(sp =>
        {
            var options = new InMemoryOrchestrationBackendOptions();
            configure?.Invoke(options);
            return new InMemoryOrchestrationBackend(sp.GetService<TimeProvider>(), options);
        });

    /// <summary>Configures the worker options.</summary>
    public DurableTaskBuilder ConfigureWorker(Action<DurableTaskWorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}

/// <summary>DI registration of the durable task services.</summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Adds the registry, a backend (in-memory unless configured), a <see cref="DurableTaskClient"/> and the
    /// <see cref="DurableTaskWorker"/> hosted service.
    /// </summary>
    public static IServiceCollection AddDurableTask(this IServiceCollection services, Action<DurableTaskBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new DurableTaskBuilder(services);
        services.AddOptions<DurableTaskWorkerOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataConverter>(JsonDataConverter.Default);
        services.TryAddSingleton<IOrchestrationBackend>(sp => new InMemoryOrchestrationBackend(sp.GetService<TimeProvider>()));
        configure(builder);
        services.AddSingleton(_ =>
        {
            var registry = new DurableTaskRegistry();
            foreach (var action in builder.RegistryActions)
            {
                action(registry);
            }

            return registry;
        });
        services.TryAddSingleton<DurableTaskClient>(sp => new BackendDurableTaskClient(
            sp.GetRequiredService<IOrchestrationBackend>(),
            sp.GetRequiredService<DataConverter>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new DurableTaskWorker(
            sp.GetRequiredService<IOrchestrationBackend>(),
            sp.GetRequiredService<DurableTaskRegistry>(),
            sp.GetRequiredService<IOptions<DurableTaskWorkerOptions>>().Value,
            sp.GetRequiredService<DataConverter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp));
        services.AddHostedService(sp => sp.GetRequiredService<DurableTaskWorker>());
        return services;
    }
}
