using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// Reading images back: <c>GET /api/v1/images/{id}</c>, its <c>/original</c> (the bytes as fetched), its
/// <c>/thumbnails/{size}</c>, and <c>GET /api/v1/albums/{album_id}/images</c> (paged). All need <c>image_list</c> on the album.
/// </summary>
public sealed class ImagesApi(ImportTokenService tokens, ImageStore images, ImportApiBlobs blobs, ILogger<ImagesApi> logger)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public Task GetAsync(HttpContext http, string id) => ImportApiResponse.RunAsync(http, logger, async () =>
    {
        var image = await ReadableImageAsync(http, id);
        await ImportApiResponse.WriteJsonAsync(http, image.ToJson());
    });

    public Task OriginalAsync(HttpContext http, string id) => ImportApiResponse.RunAsync(http, logger, async () =>
    {
        var image = await ReadableImageAsync(http, id);
        await StreamAsync(http, blobs.Original(image.Id), image.Photo.ContentType, id);
    });

    public Task ThumbnailAsync(HttpContext http, string id, string size) => ImportApiResponse.RunAsync(http, logger, async () =>
    {
        var image = await ReadableImageAsync(http, id);
        var thumbnail = image.Thumbnails.FirstOrDefault(t => t.Size.ToString(CultureInfo.InvariantCulture) == size)
            ?? throw ImportApiException.NotFound($"Thumbnail size '{size}' does not exist; the sizes are {string.Join(", ", image.Thumbnails.Select(t => t.Size))}.");
        await StreamAsync(http, blobs.Container.GetBlobClient(thumbnail.Blob), thumbnail.ContentType, id);
    });

    public Task ListAlbumAsync(HttpContext http, string albumId) => ImportApiResponse.RunAsync(http, logger, async () =>
    {
        var cancellationToken = http.RequestAborted;
        var caller = await tokens.AuthenticateAsync(http.Request.Headers.Authorization, cancellationToken);
        ImportApiResponse.EchoToken(http, caller);
        if (!ImportKeys.IsAlbumId(albumId))
        {
            throw ImportApiException.NotFound($"Album '{albumId}' was not found.");
        }

        if (!caller.Can(albumId, ImportCaller.ImageList))
        {
            throw ImportApiException.Forbidden($"This token does not grant image_list on album '{albumId}'.");
        }

        var perPage = DefaultPageSize;
        if (http.Request.Query["per_page"] is { Count: > 0 } given && (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out perPage) || perPage is < 1 or > MaxPageSize))
        {
            throw ImportApiException.Unprocessable("invalid_parameter", $"per_page must be a whole number from 1 to {MaxPageSize}.");
        }

        var pageToken = http.Request.Query["page_token"].ToString();
        IReadOnlyList<ImageRecord> page;
        string? next;
        try
        {
            (page, next) = await images.ListAlbumAsync(caller.OrganizationId, albumId, perPage, pageToken.Length == 0 ? null : pageToken, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            throw ImportApiException.Unprocessable("invalid_parameter", "page_token is not one this server gave.");
        }

        await ImportApiResponse.WriteJsonAsync(http, new JsonObject
        {
            ["album_id"] = albumId,
            ["images"] = new JsonArray([.. page.Select(i => (JsonNode)i.ToJson())]),
            ["per_page"] = perPage,
            ["next_page_token"] = next,
        });
    });

    private async Task<ImageRecord> ReadableImageAsync(HttpContext http, string id)
    {
        var cancellationToken = http.RequestAborted;
        var caller = await tokens.AuthenticateAsync(http.Request.Headers.Authorization, cancellationToken);
        ImportApiResponse.EchoToken(http, caller);
        var image = await images.GetAsync(id, cancellationToken);
        if (image is null || image.OrganizationId != caller.OrganizationId)
        {
            throw ImportApiException.NotFound($"Image '{id}' was not found.");
        }

        return caller.Can(image.AlbumId, ImportCaller.ImageList) ? image : throw ImportApiException.Forbidden($"This token does not grant image_list on album '{image.AlbumId}'.");
    }

    private static async Task StreamAsync(HttpContext http, BlobClient blob, string contentType, string id)
    {
        Azure.Storage.Blobs.Models.BlobDownloadStreamingResult content;
        try
        {
            content = (await blob.DownloadStreamingAsync(cancellationToken: http.RequestAborted)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw ImportApiException.NotFound($"The file of image '{id}' was not found.");
        }

        await using (content.Content)
        {
            http.Response.StatusCode = 200;
            http.Response.ContentType = contentType;
            http.Response.ContentLength = content.Details.ContentLength;
            http.Response.Headers.ETag = content.Details.ETag.ToString("H");
            await content.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }
}
