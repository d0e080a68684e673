using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.Functions.EarthEngine;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;
using Microsoft.Extensions.Options;

namespace EeFunctions.Functions.Http;

/// <summary>Assets get.</summary>
internal static class EeAssetsApi
{
    public static async Task GetAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.AssetsGet);
        var asset = await FindAsync(call);
        await EarthEngineApi.WriteJsonAsync(call.Http, asset.Asset);
    }

    internal static async Task<CatalogAsset> FindAsync(EeCall call)
    {
        var path = call.Group("path");
        var name = EeNames.AssetName(call.Project, path);
        try
        {
            EeNames.ParseAssetName(name);
        }
        catch (EarthEngineException)
        {
            throw new EarthEngineException(EeStatusCode.NotFound, $"Asset '{name}' does not exist or doesn't allow this operation.");
        }

        return await call.Service<EeStorage>().Catalog.GetAsync(call.Project, path, call.Aborted)
            ?? throw new EarthEngineException(EeStatusCode.NotFound, $"Asset '{name}' does not exist or doesn't allow this operation.");
    }
}
