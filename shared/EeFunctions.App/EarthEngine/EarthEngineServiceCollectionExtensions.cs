using EeFunctions.DurableTask;
using Microsoft.DurableTask;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.App.Activities;
using EeFunctions.App.EarthEngine.Auth;
using EeFunctions.App.Durable;
using EeFunctions.App.Http;
using EeFunctions.App.Orchestrations;
using EeFunctions.Raster;
using EeFunctions.Raster.Tiles;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.EarthEngine;

/// <summary>Registers the Earth Engine API: options, tokens, storage, sources, the import orchestration, and bearer access to the Durable API.</summary>
public static class EarthEngineServiceCollectionExtensions
{
    public static IServiceCollection AddEarthEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EarthEngineOptions>().Bind(configuration.GetSection(EarthEngineOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddEarthEngineAuth(configuration);
        if (!services.Any(s => s.ServiceType == typeof(RasterTiler)))
        {
            services.AddRaster(configuration);
        }

        services.AddSingleton<EeStorage>();
        services.AddSingleton(sp =>
        {
            var ee = sp.GetRequiredService<IOptions<EarthEngineOptions>>().Value;
            return new SafeHttpDownloader(new SafeDownloadPolicy(ee.AllowPrivateNetworkSources, ee.MaxSourceBytes, ee.DownloadTimeout));
        });
        services.AddSingleton<BlobReadSas>();
        services.AddSingleton<SourceResolver>();
        services.AddSingleton<TilesetInspector>();
        services.AddSingleton<ExternalImageRegistrar>();
        services.AddSingleton<ImageImportStarter>();
        services.AddSingleton<BlobDrop.BlobDropHandler>();
        if (configuration.GetValue(EarthEngineOptions.SectionName + ":" + nameof(EarthEngineOptions.DropEnabled), true))
        {
            services.AddHostedService<BlobDrop.DropContainerSetup>();
        }

        services.AddSingleton<EeImageApi>();
        services.AddSingleton<Compute.CatalogImageAssetsFactory>();
        services.AddSingleton<Export.ImageExportPlanner>();
        services.AddSingleton<Export.ImageExportStarter>();
        services.AddSingleton<EeExportApi>();
        services.AddSingleton<EeComputeApi>();
        services.AddSingleton<EeImportExternalApi>();
        services.AddSingleton<EeOperationsApi>();
        services.AddSingleton<EeAssetsApi>();
        services.AddSingleton<EePixelsApi>();
        services.AddSingleton<EarthEngineRoutes>();
        services.AddSingleton<IDurableTaskContributor, ImportContributor>();

        // The activities, for a host that resolves them itself (the Functions app); the self-host's registry creates
        // its own. ScheduleLeftoversCleanupActivity and CleanupImportLeftoversActivity are not here: they need the
        // invocation's Durable client.
        services.AddTransient<InspectTilesetActivity>();
        services.AddTransient<TileRowsActivity>();
        services.AddTransient<BuildParentsActivity>();
        services.AddTransient<RegisterImageActivity>();
        services.AddTransient<CleanupImportActivity>();
        services.AddTransient<WriteImportResultActivity>();
        services.AddTransient<ExportChunkActivity>();
        services.AddTransient<WriteExportFileActivity>();
        services.AddTransient<CleanupExportActivity>();
        services.AddTransient<WriteTfRecordActivity>();
        return services;
    }

    /// <summary>
    /// The self-host's Durable HTTP API extras: cleanup of a terminated import's leftovers, and bearer-token access to
    /// a project's instances (under Azure Functions the Functions host serves that API with its keys only).
    /// </summary>
    public static IServiceCollection AddEarthEngineDurableApiAccess(this IServiceCollection services)
    {
        services.AddSingleton<IDurableTerminationHook, OperationTerminationHook>();
        services.TryAddSingleton<SystemKeyAuthorizer>();
        services.Replace(ServiceDescriptor.Singleton<IDurableApiAuthorizer, BearerDurableApiAuthorizer>());
        return services;
    }

    private sealed class ImportContributor : IDurableTaskContributor
    {
        public void Register(DurableTaskRegistry registry)
        {
            registry.AddOrchestrator<ImportImageOrchestrator>();
            registry.AddActivity<InspectTilesetActivity>();
            registry.AddActivity<TileRowsActivity>();
            registry.AddActivity<BuildParentsActivity>();
            registry.AddActivity<RegisterImageActivity>();
            registry.AddActivity<CleanupImportActivity>();
            registry.AddOrchestrator<ImportLeftoversOrchestrator>();
            registry.AddActivity<CleanupImportLeftoversActivity>();
            registry.AddActivity<ScheduleLeftoversCleanupActivity>();
            registry.AddActivity<WriteImportResultActivity>();
            registry.AddOrchestrator<ExportImageOrchestrator>();
            registry.AddActivity<ExportChunkActivity>();
            registry.AddActivity<WriteExportFileActivity>();
            registry.AddActivity<CleanupExportActivity>();
            registry.AddActivity<WriteTfRecordActivity>();
        }
    }
}
