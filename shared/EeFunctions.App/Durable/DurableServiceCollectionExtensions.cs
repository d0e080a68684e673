using DurableTask.AzureStorage;
using EeFunctions.DurableTask;
using EeFunctions.App.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Durable;

/// <summary>Hosts the Durable Task worker and client on DTFx's Azure Storage provider, and exposes the Durable HTTP API.</summary>
public static class DurableServiceCollectionExtensions
{
    public static IServiceCollection AddDurableFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DurableHttpApiOptions>().Bind(configuration.GetSection(DurableHttpApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddDurableTaskOnAzureStorage(configuration, sp => sp.GetRequiredService<StorageConnection>().CreateTaskHubProvider());
        if (configuration.GetValue<bool>(SelfTestOrchestrations.SettingName))
        {
            services.AddSingleton<IDurableTaskContributor, SelfTestOrchestrations>();
        }

        services.AddSingleton<DurableHttpManagement>();
        services.TryAddSingleton<IDurableApiAuthorizer, SystemKeyAuthorizer>();
        return services;
    }
}
