using EeFunctions.App.ImportApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace EeFunctions.Functions;

/// <summary>The Import API's routes, orchestrator and activities as functions, over the handlers the self-host maps.</summary>
public sealed class ImportApiFunctions(
    ImportsApi imports,
    ImagesApi images,
    FetchPhotoActivity fetch,
    PhotoThumbnailActivity thumbnail,
    RegisterPhotoActivity register,
    FailPhotoImportActivity fail)
{
    [Function("ImportApi_CreateImport")]
    public Task CreateImport([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ImportApiEndpoints.Imports)] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        imports.CreateAsync(request.HttpContext, client);

    [Function("ImportApi_GetImport")]
    public Task GetImport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ImportApiEndpoints.Import)] HttpRequest request, string id) =>
        imports.GetAsync(request.HttpContext, id);

    [Function("ImportApi_GetImage")]
    public Task GetImage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ImportApiEndpoints.Image)] HttpRequest request, string id) =>
        images.GetAsync(request.HttpContext, id);

    [Function("ImportApi_GetOriginal")]
    public Task GetOriginal([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ImportApiEndpoints.Original)] HttpRequest request, string id) =>
        images.OriginalAsync(request.HttpContext, id);

    [Function("ImportApi_GetThumbnail")]
    public Task GetThumbnail([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ImportApiEndpoints.Thumbnail)] HttpRequest request, string id, string size) =>
        images.ThumbnailAsync(request.HttpContext, id, size);

    [Function("ImportApi_ListAlbumImages")]
    public Task ListAlbumImages([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ImportApiEndpoints.AlbumImages)] HttpRequest request) =>
        images.ListAlbumAsync(request.HttpContext, request.RouteValues["album_id"]?.ToString() ?? string.Empty);

    [Function(PhotoImportOrchestrator.Name)]
    public static Task<PhotoImportOutcome> PhotoImport([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new PhotoImportOrchestrator().RunAsync(context, context.GetInput<PhotoImportInput>() ?? throw new InvalidOperationException($"Orchestration {context.InstanceId} has no input."));

    [Function(FetchPhotoActivity.Name)]
    public Task<FetchedPhoto> Fetch([ActivityTrigger] FetchPhotoInput input, FunctionContext function) =>
        fetch.RunAsync(new FunctionActivityContext(FetchPhotoActivity.Name, function), input);

    [Function(PhotoThumbnailActivity.Name)]
    public Task<ThumbnailFacts> Thumbnail([ActivityTrigger] PhotoThumbnailInput input, FunctionContext function) =>
        thumbnail.RunAsync(new FunctionActivityContext(PhotoThumbnailActivity.Name, function), input);

    [Function(RegisterPhotoActivity.Name)]
    public Task<string> Register([ActivityTrigger] RegisterPhotoInput input, FunctionContext function) =>
        register.RunAsync(new FunctionActivityContext(RegisterPhotoActivity.Name, function), input);

    [Function(FailPhotoImportActivity.Name)]
    public Task<bool> Fail([ActivityTrigger] FailPhotoImportInput input, FunctionContext function) =>
        fail.RunAsync(new FunctionActivityContext(FailPhotoImportActivity.Name, function), input);
}
