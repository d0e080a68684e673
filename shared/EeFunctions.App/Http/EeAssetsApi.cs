using EeFunctions.DurableTask;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Orchestrations;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Http;

/// <summary>Assets get, listAssets (a folder, a collection or the project root) and delete.</summary>
public sealed class EeAssetsApi(EeStorage storage, OrchestrationStarter starter, IOptions<EarthEngineOptions> options)
{
    /// <summary>listAssets page sizes as Earth Engine: up to 1000 assets in the full view, 10000 in the basic one.</summary>
    private const int MaxPageSize = 1000;
    private const int MaxBasicPageSize = 10000;

    internal async Task GetAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.AssetsGet);
        var asset = await FindAsync(call);
        await EarthEngineApi.WriteJsonAsync(call.Http, asset.Asset);
    }

    internal async Task<CatalogAsset> FindAsync(EeCall call)
    {
        var path = ValidPath(call, call.Group("path"));
        return await storage.Catalog.GetAsync(call.Project, path, call.Aborted)
            ?? throw AssetCatalog.NotFound(EeNames.AssetName(call.Project, path));
    }

    /// <summary>
    /// The direct children of a folder or collection (route group <c>path</c>) or of the project root (no path), in
    /// name order, a page at a time. Children of folders come in the basic view plus <c>updateTime</c>, as Earth
    /// Engine lists them; images of a collection in full unless <c>view=BASIC</c>.
    /// </summary>
    internal async Task ListAssetsAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.AssetsList);
        var query = call.Http.Request.Query;
        var basic = View(query["view"].FirstOrDefault());
        var pageSize = PageSize(query["pageSize"].FirstOrDefault(), basic ? MaxBasicPageSize : MaxPageSize);
        if (query["filter"].FirstOrDefault() is { Length: > 0 })
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "filter is not supported by listAssets yet.");
        }

        var catalog = storage.Catalog;
        var path = call.Group("path").TrimEnd('/');
        var fullChildren = false;
        if (path.Length > 0)
        {
            path = ValidPath(call, path);
            var parent = await catalog.GetAsync(call.Project, path, call.Aborted) ?? throw AssetCatalog.NotFound(EeNames.AssetName(call.Project, path));
            if (parent.Asset.Type is not (AssetType.Folder or AssetType.ImageCollection))
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Asset '{parent.Asset.Name}' is not a folder or an image collection: only those can be listed.");
            }

            fullChildren = parent.Asset.Type is AssetType.ImageCollection && !basic;
        }

        var after = PageTokenKey(query["pageToken"].FirstOrDefault(), path);
        var page = await catalog.ListChildrenAsync(call.Project, path, pageSize, after, call.Aborted);
        await EarthEngineApi.WriteJsonAsync(call.Http, new ListAssetsResponse
        {
            Assets = page.Assets.Count == 0 ? null : [.. page.Assets.Select(a => fullChildren ? a : Summary(a, withUpdateTime: !basic))],
            NextPageToken = page.ResumeAfter is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(page.ResumeAfter)),
        });
    }

    /// <summary>
    /// Deletes an asset: the row first, under its ETag, so readers stop finding it before any tile goes; then its tile
    /// generation, <see cref="EarthEngineOptions.ReplacedTilesGrace"/> later (reads that found the row still find their
    /// tiles; the deletion is durable, so neither a caller going away nor a restart leaves tiles behind). Only that
    /// generation: another import of the same name keeps its own. A folder or collection only when empty. Answers
    /// <c>{}</c> as Earth Engine.
    /// </summary>
    internal async Task DeleteAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.AssetsDelete);
        var path = ValidPath(call, call.Group("path"));
        var deleted = await storage.Catalog.DeleteAsync(call.Project, path, call.Aborted);
        if (deleted.Image is { } image && image.Tilesets.Any(t => t.External is null))
        {
            var assetKey = EeStorage.AssetKey(path);
            var grace = options.Value.ReplacedTilesGrace;
            var leftovers = new ImportLeftoversInput(call.Project, assetKey, image.Generation, null, grace);
            await ImportLeftoversOrchestrator.StartAsync(starter, call.Durable, ImportLeftoversOrchestrator.AfterOverwrite(call.Project, assetKey, image.Generation), leftovers, CancellationToken.None);
        }

        await EarthEngineApi.WriteAsync(call.Http, 200, "{}");
    }

    /// <summary>The asset path of a route, checked as a name; a malformed one names no asset, so NOT_FOUND.</summary>
    private static string ValidPath(EeCall call, string path)
    {
        var name = EeNames.AssetName(call.Project, path);
        try
        {
            return EeNames.ParseAssetName(name).Path;
        }
        catch (EarthEngineException)
        {
            throw AssetCatalog.NotFound(name);
        }
    }

    private static bool View(string? view) => view switch
    {
        null or "" or "EARTH_ENGINE_ASSET_VIEW_UNSPECIFIED" or "FULL" => false,
        "BASIC" or "BASIC_SYNC" => true,
        _ => throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid view '{view}': expected FULL or BASIC."),
    };

    /// <summary>Unset or 0 means the maximum; larger sizes are lowered to it (as Google APIs coerce page sizes).</summary>
    private static int PageSize(string? value, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return max;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid pageSize '{value}': expected a non-negative integer.");
        }

        return size == 0 ? max : Math.Min(size, max);
    }

    /// <summary>A page token is the row key of the last child given out; it must be a child key of this parent.</summary>
    private static string? PageTokenKey(string? token, string parentPath)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string key;
        try
        {
            key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            key = string.Empty;
        }

        return AssetCatalog.IsChildKey(parentPath, key)
            ? key
            : throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid pageToken '{token}': give back the nextPageToken of the same listing.");
    }

    private static EarthEngineAsset Summary(EarthEngineAsset asset, bool withUpdateTime) => new()
    {
        Type = asset.Type,
        Name = asset.Name,
        Id = asset.Id,
        UpdateTime = withUpdateTime ? asset.UpdateTime : null,
    };
}
