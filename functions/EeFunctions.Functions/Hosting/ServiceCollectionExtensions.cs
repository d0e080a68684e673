using EeFunctions.Functions.Health;
using EeFunctions.Storage.Blobs;
using EeFunctions.Storage.Queues;
using EeFunctions.Storage.Tables;
using Microsoft.Extensions.Options;

namespace EeFunctions.Functions.Hosting;

/// <summary>Registers the host's options, storage clients and health probes.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddFunctionsHost(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpExtensionOptions>().Bind(configuration.GetSection(HttpExtensionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .Configure(o => o.ConnectionString = configuration[StorageOptions.ConnectionSetting] ?? string.Empty)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The app's clients retry transient failures (configured once in StorageClientOptions).
        services.AddSingleton(sp => new BlobServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString));
        services.AddSingleton(sp => new QueueServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString));
        services.AddSingleton(sp => new TableServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString));

        // Health probes must answer fast: their own clients, with no retries and a short network timeout.
        services.AddSingleton<IHealthProbe>(sp => new BlobHealthProbe(new BlobServiceClient(ConnectionString(sp), Fast(new BlobClientOptions()))));
        services.AddSingleton<IHealthProbe>(sp => new QueueHealthProbe(new QueueServiceClient(ConnectionString(sp), Fast(new QueueClientOptions()))));
        services.AddSingleton<IHealthProbe>(sp => new TableHealthProbe(new TableServiceClient(ConnectionString(sp), Fast(new TableClientOptions()))));
        services.AddSingleton<IHealthProbe, GdalHealthProbe>();
        services.AddSingleton<HealthService>();
        return services;
    }

    private static string ConnectionString(IServiceProvider sp) => sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString;

    private static T Fast<T>(T options)
        where T : Storage.StorageClientOptions
    {
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(3);
        return options;
    }
}
