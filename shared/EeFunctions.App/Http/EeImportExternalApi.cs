using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Import;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.App.EarthEngine;

namespace EeFunctions.App.Http;

/// <summary>
/// <c>POST /{v}/projects/{p}/image:importExternal</c>: synchronous, answers <c>{}</c> once the COG-backed image is
/// registered (EE documents it under v1alpha; the Python client calls it under v1 too, and every version is served).
/// </summary>
public sealed class EeImportExternalApi(EeStorage storage, ExternalImageRegistrar registrar)
{
    internal async Task ImportExternalAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.ImportsCreate);
        var project = call.Project;
        var request = await EeJson.DeserializeAsync<ImportExternalImageRequest>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);
        var spec = ImportRequestValidator.Validate(project, new ImportImageRequest { ImageManifest = request.ImageManifest, Overwrite = request.Overwrite }, EeNames.NewOperationId(), DateTimeOffset.UtcNow);
        if (!spec.Overwrite && await storage.Catalog.GetAsync(project, spec.AssetPath, call.Aborted) is not null)
        {
            throw new EarthEngineException(EeStatusCode.AlreadyExists, $"Cannot overwrite asset '{EeNames.AssetName(project, spec.AssetPath)}': it already exists (set overwrite to true to replace it).");
        }

        await registrar.RegisterAsync(spec, call.Durable, call.Aborted);
        await EarthEngineApi.WriteAsync(call.Http, 200, "{}");
    }
}
