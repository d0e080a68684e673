using EeFunctions.App.Durable;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.EarthEngine.Export;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;

namespace EeFunctions.App.Http;

/// <summary><c>POST /{v}/projects/{p}/image:export</c>: validate the request and its expression, dedupe by request id, start the ExportImage orchestration.</summary>
public sealed class EeExportApi(ImageExportStarter exports)
{
    internal async Task ExportAsync(EeCall call)
    {
        var caller = await call.AuthorizeAsync(EePermissions.ExportsCreate);
        var request = await EeJson.DeserializeAsync<ExportImageRequest>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);
        var metadata = await exports.StartAsync(call.Durable, call.Project, caller, request, call.Aborted);
        call.Http.Response.Headers.Location = DurableHttpManagement.StatusQueryUri(call.Http.Request, metadata.InstanceId);
        await EarthEngineApi.WriteJsonAsync(call.Http, OperationView.From(metadata));
    }
}
