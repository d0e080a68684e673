using EeFunctions.DurableTask;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EeFunctions.App.ImportApi;

/// <summary>Registers the Import API: options, clients and tokens, stores, the photo codec and the import orchestration.</summary>
public static class ImportApiServiceCollectionExtensions
{
    public static IServiceCollection AddImportApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImportApiOptions>().Bind(configuration.GetSection(ImportApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiClientStore>();
        services.AddSingleton<ImportTokenService>();
        services.AddSingleton<ImportStore>();
        services.AddSingleton<ImageStore>();
        services.AddSingleton<ImportApiBlobs>();
        services.AddSingleton<HeaderSealer>();
        services.AddSingleton<PhotoDownloader>();
        services.AddSingleton<PhotoCodec>();
        services.AddSingleton<ImportsApi>();
        services.AddSingleton<ImagesApi>();
        services.AddHostedService<ImportApiStorageSetup>();
        services.AddSingleton<IDurableTaskContributor, PhotoImportContributor>();

        // For a host that resolves activities itself (the Functions app).
        services.AddTransient<FetchPhotoActivity>();
        services.AddTransient<PhotoThumbnailActivity>();
        services.AddTransient<RegisterPhotoActivity>();
        services.AddTransient<FailPhotoImportActivity>();
        return services;
    }

    private sealed class PhotoImportContributor : IDurableTaskContributor
    {
        public void Register(DurableTaskRegistry registry)
        {
            registry.AddOrchestrator<PhotoImportOrchestrator>();
            registry.AddActivity<FetchPhotoActivity>();
            registry.AddActivity<PhotoThumbnailActivity>();
            registry.AddActivity<RegisterPhotoActivity>();
            registry.AddActivity<FailPhotoImportActivity>();
        }
    }
}
