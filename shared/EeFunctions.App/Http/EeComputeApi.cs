using System.Text.Json;
using Azure;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Http;

/// <summary>
/// Synchronous computation: <c>image:computePixels</c> answers the pixels of an expression, and thumbnails store one
/// (<c>POST projects/{p}/thumbnails</c>, checked as computePixels would be) to be rendered when its URL
/// <c>thumbnails/{id}:getPixels</c> is fetched. As Earth Engine's, a thumbnail URL needs no token: its random id is
/// the capability; it lives <see cref="ThumbnailLifetime"/>.
/// </summary>
public sealed class EeComputeApi(EeStorage storage, CatalogImageAssetsFactory assetsFactory, IOptions<EarthEngineOptions> options)
{
    public static readonly TimeSpan ThumbnailLifetime = TimeSpan.FromHours(24);

    internal async Task ComputePixelsAsync(EeCall call)
    {
        var caller = await call.AuthorizeAsync(EePermissions.ComputationsCreate);
        var request = await EeJson.DeserializeAsync<ComputePixelsRequest>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);
        var pixels = await ComputedPixels.RenderAsync(request.Expression, request.FileFormat, request.Grid, request.BandIds, request.VisualizationOptions, Assets(caller), options.Value.MaxGetPixelsBytes, call.Aborted);
        await WriteAsync(call, pixels);
    }

    internal async Task CreateThumbnailAsync(EeCall call)
    {
        var caller = await call.AuthorizeAsync(EePermissions.ComputationsCreate);
        var request = await EeJson.DeserializeAsync<Thumbnail>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);

        // The expression is checked now, so a bad thumbnail fails here and not in an <img> tag later.
        var assets = Assets(caller);
        var check = new ComputeContext(assets, call.Aborted);
        var image = await ExpressionEvaluator.Parse(request.Expression, check).EvaluateImageAsync();
        if (request.BandIds?.FirstOrDefault(id => !image.BandNames.Contains(id)) is { } missing)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"bandIds: band '{missing}' does not exist in the image (bands: {string.Join(", ", image.BandNames)}).");
        }

        GetPixelsOptions.Format(request.FileFormat);
        var id = EeNames.NewOperationId();
        var stored = new StoredThumbnail(call.Project, [.. assets.ProjectsRead], DateTimeOffset.UtcNow, request.Expression!.Value.GetRawText(), request.FileFormat, request.Grid, request.BandIds, request.VisualizationOptions);
        await storage.Staging.Container.GetBlobClient(BlobName(call.Project, id)).UploadAsync(BinaryData.FromString(JsonSerializer.Serialize(stored, EeJson.Options)), overwrite: false, call.Aborted);
        await EarthEngineApi.WriteJsonAsync(call.Http, new Thumbnail { Name = $"projects/{call.Project}/thumbnails/{id}" });
    }

    internal async Task ThumbnailPixelsAsync(EeCall call)
    {
        var id = call.Group("id");
        var name = $"projects/{call.Project}/thumbnails/{id}";
        StoredThumbnail? stored = null;
        if (EeNames.IsOperationId(id))
        {
            try
            {
                var content = await storage.Staging.Container.GetBlobClient(BlobName(call.Project, id)).DownloadContentAsync(call.Aborted);
                stored = content.Value.Content.ToObjectFromJson<StoredThumbnail>(EeJson.Options);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }
        }

        if (stored is null || stored.CreateTime + ThumbnailLifetime < DateTimeOffset.UtcNow)
        {
            throw new EarthEngineException(EeStatusCode.NotFound, $"Thumbnail '{name}' does not exist or has expired.");
        }

        using var expression = JsonDocument.Parse(stored.Expression);
        // The URL reads what its creator could read when it was made: the projects its expression read then.
        var assets = assetsFactory.For(stored.Projects.Contains);
        var pixels = await ComputedPixels.RenderAsync(expression.RootElement, stored.FileFormat, stored.Grid, stored.BandIds, stored.VisualizationOptions, assets, options.Value.MaxGetPixelsBytes, call.Aborted);
        await WriteAsync(call, pixels);
    }

    private static string BlobName(string project, string id) => $"thumbnails/{project}/{id}.json";

    private CatalogImageAssets Assets(EeCaller caller) => assetsFactory.For(p => caller.Has(p, EePermissions.AssetsGet));

    private static async Task WriteAsync(EeCall call, EncodedPixels pixels)
    {
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = pixels.ContentType;
        await call.Http.Response.Body.WriteAsync(pixels.Bytes, call.Aborted);
    }

    /// <summary>What a thumbnail keeps until it is fetched.</summary>
    private sealed record StoredThumbnail(string Project, IReadOnlyList<string> Projects, DateTimeOffset CreateTime, string Expression, ImageFileFormat? FileFormat, PixelGrid? Grid, IReadOnlyList<string>? BandIds, VisualizationOptions? VisualizationOptions);
}
