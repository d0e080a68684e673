using Microsoft.DurableTask.Client;

namespace EeFunctions.App.ImportApi;

/// <summary>The Import API's routes in the self-host (the Functions app declares the same templates as functions).</summary>
public static class ImportApiEndpoints
{
    public const string Imports = "api/v1/imports";
    public const string Import = "api/v1/imports/{id}";
    public const string Image = "api/v1/images/{id}";
    public const string Original = "api/v1/images/{id}/original";
    public const string Thumbnail = "api/v1/images/{id}/thumbnails/{size}";
    public const string AlbumImages = "api/v1/albums/{album_id}/images";

    public static IEndpointRouteBuilder MapImportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + Imports, (HttpContext http, ImportsApi api, DurableTaskClient durable) => api.CreateAsync(http, durable));
        app.MapGet("/" + Import, (HttpContext http, ImportsApi api, string id) => api.GetAsync(http, id));
        app.MapGet("/" + Image, (HttpContext http, ImagesApi api, string id) => api.GetAsync(http, id));
        app.MapGet("/" + Original, (HttpContext http, ImagesApi api, string id) => api.OriginalAsync(http, id));
        app.MapGet("/" + Thumbnail, (HttpContext http, ImagesApi api, string id, string size) => api.ThumbnailAsync(http, id, size));
        app.MapGet("/" + AlbumImages, (HttpContext http, ImagesApi api, [Microsoft.AspNetCore.Mvc.FromRoute(Name = "album_id")] string albumId) => api.ListAlbumAsync(http, albumId));
        return app;
    }
}
