using Microsoft.DurableTask.Client;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.App.Durable;
using EeFunctions.App.EarthEngine;

namespace EeFunctions.App.Http;

/// <summary><c>POST /{v}/projects/{p}/image:import</c>: validate, dedupe by request id, start the ImportImage orchestration.</summary>
public sealed class EeImageApi(ImageImportStarter imports)
{
    internal async Task ImportAsync(EeCall call)
    {
        var caller = await call.AuthorizeAsync(EePermissions.ImportsCreate);
        var request = await EeJson.DeserializeAsync<ImportImageRequest>(call.Http.Request.Body, EarthEngineApi.MaxBodyBytes, call.Aborted);
        var metadata = await imports.StartAsync(call.Durable, call.Project, caller.Subject, request, new ImportStartOptions(), call.Aborted);
        await RespondAsync(call, metadata);
    }

    private static Task RespondAsync(EeCall call, OrchestrationMetadata metadata)
    {
        call.Http.Response.Headers.Location = DurableHttpManagement.StatusQueryUri(call.Http.Request, metadata.InstanceId);
        return EarthEngineApi.WriteJsonAsync(call.Http, OperationView.From(metadata));
    }
}
