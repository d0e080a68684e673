using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using EeFunctions.App.Health;
using Microsoft.Extensions.Azure;

namespace EeFunctions.App.Hosting;

/// <summary>Registers the host's options, storage clients and health probes.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>The named clients of the health probes: no retries and a short network timeout, so a probe answers fast.</summary>
    public const string HealthClientName = "health";

    public static IServiceCollection AddFunctionsHost(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpExtensionOptions>().Bind(configuration.GetSection(HttpExtensionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .Configure(o => StorageOptions.Bind(configuration, o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<StorageConnection>();

        // One registration per client; the app's clients keep the SDK's default retries (exponential, 3 tries).
        services.AddAzureClients(azure =>
        {
            azure.AddClient<BlobServiceClient, BlobClientOptions>((options, sp) => sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient(options));
            azure.AddClient<QueueServiceClient, QueueClientOptions>((options, sp) => sp.GetRequiredService<StorageConnection>().CreateQueueServiceClient(options));
            azure.AddClient<TableServiceClient, TableClientOptions>((options, sp) => sp.GetRequiredService<StorageConnection>().CreateTableServiceClient(options));
            azure.AddClient<BlobServiceClient, BlobClientOptions>((options, sp) => sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient(Fast(options)))
                .WithName(HealthClientName);
            azure.AddClient<QueueServiceClient, QueueClientOptions>((options, sp) => sp.GetRequiredService<StorageConnection>().CreateQueueServiceClient(Fast(options)))
                .WithName(HealthClientName);
            azure.AddClient<TableServiceClient, TableClientOptions>((options, sp) => sp.GetRequiredService<StorageConnection>().CreateTableServiceClient(Fast(options)))
                .WithName(HealthClientName);
        });

        services.AddSingleton<IHealthProbe>(sp => new BlobHealthProbe(sp.GetRequiredService<IAzureClientFactory<BlobServiceClient>>().CreateClient(HealthClientName)));
        services.AddSingleton<IHealthProbe>(sp => new QueueHealthProbe(sp.GetRequiredService<IAzureClientFactory<QueueServiceClient>>().CreateClient(HealthClientName)));
        services.AddSingleton<IHealthProbe>(sp => new TableHealthProbe(sp.GetRequiredService<IAzureClientFactory<TableServiceClient>>().CreateClient(HealthClientName)));
        services.AddSingleton<IHealthProbe, GdalHealthProbe>();
        services.AddSingleton<HealthService>();
        return services;
    }

    private static T Fast<T>(T options)
        where T : Azure.Core.ClientOptions
    {
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(3);
        return options;
    }
}
