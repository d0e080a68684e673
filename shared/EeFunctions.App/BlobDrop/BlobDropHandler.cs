using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using EeFunctions.App.Activities;
using EeFunctions.App.EarthEngine;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.BlobDrop;

/// <summary>One blob the drop trigger saw: its container, name, the ETag of the version seen, and its URI (no SAS).</summary>
public sealed record DroppedBlob(string Container, string Name, string ETag, Uri Uri);

/// <summary>
/// What a blob dropped into <see cref="EarthEngineOptions.DropContainer"/> starts (README: Blob drops):
/// <c>{project}/{path}.tif</c> imports the file to <c>projects/{project}/assets/{path}</c>; <c>{project}/{any}.manifest.json</c>
/// imports its ImageManifest (relative uris resolved against its folder); a path segment starting with <c>_</c> is data
/// for manifests and starts nothing. The request id derives from container, name and ETag, and the principal is
/// <see cref="Principal"/>, so however often the runtime fires for one version, one import starts. A drop that cannot
/// start an import gets only a result file saying why.
/// </summary>
public sealed partial class BlobDropHandler(ImageImportStarter imports, BlobServiceClient blobs, IOptions<EarthEngineOptions> options, ILogger<BlobDropHandler> logger)
{
    public const string Principal = "blob-drop";
    public const string ResultSuffix = ".result.json";
    private const string ManifestSuffix = ".manifest.json";
    private const long MaxManifestBytes = 1024 * 1024;

    /// <summary>Starts the drop's import (or finds the one this version started); answers its operation name, or null when the drop starts none.</summary>
    public async Task<string?> HandleAsync(DroppedBlob drop, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drop);
        ArgumentNullException.ThrowIfNull(client);
        var segments = drop.Name.Split('/');
        if (segments.Any(s => s.StartsWith('_')))
        {
            LogDataFile(logger, drop.Uri);
            return null;
        }

        ImportImageRequest request;
        try
        {
            request = await RequestForAsync(drop, segments, cancellationToken);
        }
        catch (EarthEngineException ex)
        {
            LogRejected(logger, drop.Uri, ex.Message);
            await WriteRejectionAsync(drop, ex.Message, cancellationToken);
            return null;
        }

        var project = segments[0];
        try
        {
            var metadata = await imports.StartAsync(client, project, Principal, request, new ImportStartOptions(ResultBlobOf(drop), RefuseExistingAsset: false), cancellationToken);
            LogStarted(logger, metadata.InstanceId, drop.Uri);
            return OperationView.From(metadata).Name;
        }
        catch (EarthEngineException ex)
        {
            LogRejected(logger, drop.Uri, ex.Message);
            await WriteRejectionAsync(drop, ex.Message, cancellationToken);
            return null;
        }
    }

    /// <summary>What a trigger hands over: the blob (its current version's ETag is read) and its name in the container.</summary>
    public async Task<string?> HandleBlobAsync(BlobClient blob, string name, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ETag etag;
        try
        {
            etag = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Deleted since the trigger saw it: nothing to import.
            return null;
        }

        var uri = new BlobUriBuilder(blob.Uri) { Sas = null, Query = string.Empty }.ToUri();
        return await HandleAsync(new DroppedBlob(blob.BlobContainerName, name, etag.ToString(), uri), client, cancellationToken);
    }

    /// <summary>
    /// Turns a message of the blob trigger's poison queue (a drop the runtime gave up on) into the drop's result file,
    /// so no drop goes unanswered.
    /// </summary>
    public async Task HandlePoisonAsync(string message, CancellationToken cancellationToken)
    {
        string? container = null;
        string? name = null;
        try
        {
            using var poison = JsonDocument.Parse(message);
            container = poison.RootElement.TryGetProperty("ContainerName", out var c) ? c.GetString() : null;
            name = poison.RootElement.TryGetProperty("BlobName", out var b) ? b.GetString() : null;
        }
        catch (JsonException)
        {
            // Not a blob trigger's poison message: nothing to answer.
        }

        if (container is null || name is null)
        {
            LogUnknownPoison(logger, message.Length > 200 ? message[..200] : message);
            return;
        }

        var uri = blobs.GetBlobContainerClient(container).GetBlobClient(name).Uri;
        LogRejected(logger, uri, "the blob trigger gave up after repeated failures");
        await WriteRejectionAsync(new DroppedBlob(container, name, string.Empty, uri), "The blob trigger gave up on this drop after repeated failures; the service's log has each failure.", cancellationToken);
    }

    /// <summary>The request id of one version of one blob: at most 60 of a-z, 0-9 and '-'.</summary>
    public static string RequestIdOf(DroppedBlob drop)
    {
        ArgumentNullException.ThrowIfNull(drop);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{drop.Container}\n{drop.Name}\n{drop.ETag}"));
        return "drop-" + Convert.ToHexString(hash, 0, 24).ToLowerInvariant();
    }

    private async Task<ImportImageRequest> RequestForAsync(DroppedBlob drop, string[] segments, CancellationToken cancellationToken)
    {
        if (segments.Length < 2 || !EeNames.IsProjectId(segments[0]))
        {
            throw Invalid($"'{drop.Name}' is not {{project}}/{{asset path}}.tif or {{project}}/{{name}}.manifest.json: its first folder must be a project id.");
        }

        var project = segments[0];
        var overwrite = options.Value.DropOverwrite;
        if (drop.Name.EndsWith(ManifestSuffix, StringComparison.OrdinalIgnoreCase))
        {
            var manifest = await ReadManifestAsync(drop, cancellationToken);
            var name = manifest.Name ?? string.Empty;
            if (!name.StartsWith($"projects/{project}/assets/", StringComparison.Ordinal))
            {
                throw Invalid($"The manifest's name '{name}' is not an asset of project '{project}', the drop's first folder.");
            }

            return new ImportImageRequest { ImageManifest = manifest, Overwrite = overwrite, RequestId = RequestIdOf(drop), Description = drop.Uri.AbsoluteUri };
        }

        var extension = Path.GetExtension(drop.Name);
        if (!extension.Equals(".tif", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".tiff", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"'{drop.Name}' has an extension this trigger does not import ('{extension}'): drop a .tif/.tiff GeoTIFF or a .manifest.json ImageManifest.");
        }

        var assetPath = string.Join('/', segments[1..])[..^extension.Length];
        return new ImportImageRequest
        {
            ImageManifest = new ImageManifest
            {
                Name = EeNames.AssetName(project, assetPath),
                Tilesets = [new Tileset { Sources = [new ImageSource { Uris = [GsUri(drop.Container, drop.Name)] }] }],
            },
            Overwrite = overwrite,
            RequestId = RequestIdOf(drop),
            Description = drop.Uri.AbsoluteUri,
        };
    }

    /// <summary>Reads a dropped manifest, with its relative uris made <c>gs://</c> uris beside it.</summary>
    private async Task<ImageManifest> ReadManifestAsync(DroppedBlob drop, CancellationToken cancellationToken)
    {
        BinaryData content;
        try
        {
            var blob = blobs.GetBlobContainerClient(drop.Container).GetBlobClient(drop.Name);
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            if (properties.Value.ContentLength > MaxManifestBytes)
            {
                throw Invalid($"The manifest is {properties.Value.ContentLength} bytes; the limit is {MaxManifestBytes}.");
            }

            content = (await blob.DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw Invalid($"The manifest '{drop.Name}' was deleted before it could be read.");
        }

        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(content.ToMemory().Span) as JsonObject ?? throw Invalid("The manifest is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw Invalid($"The manifest is not valid JSON: {ex.Message}");
        }

        var folder = drop.Name.Contains('/', StringComparison.Ordinal) ? drop.Name[..(drop.Name.LastIndexOf('/') + 1)] : string.Empty;
        if (manifest["uriPrefix"] is null && manifest["tilesets"] is JsonArray tilesets)
        {
            foreach (var uris in tilesets.OfType<JsonObject>().Select(t => t["sources"]).OfType<JsonArray>().SelectMany(s => s.OfType<JsonObject>()).Select(s => s["uris"]).OfType<JsonArray>())
            {
                for (var i = 0; i < uris.Count; i++)
                {
                    if (uris[i] is JsonValue value && value.TryGetValue<string>(out var uri) && !uri.Contains("://", StringComparison.Ordinal))
                    {
                        uris[i] = GsUri(drop.Container, folder + uri.TrimStart('/'));
                    }
                }
            }
        }

        return EeJson.Deserialize<ImageManifest>(Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    private string ResultBlobOf(DroppedBlob drop) => $"{options.Value.DropResultsContainer}/{drop.Name}{ResultSuffix}";

    private Task WriteRejectionAsync(DroppedBlob drop, string reason, CancellationToken cancellationToken) =>
        ResultFiles.WriteAsync(blobs, ResultBlobOf(drop), new JsonObject
        {
            ["operation"] = null,
            ["state"] = "REJECTED",
            ["blob"] = drop.Uri.AbsoluteUri,
            ["error"] = new JsonObject { ["message"] = reason },
        }, cancellationToken);

    private static string GsUri(string container, string name) => $"gs://{container}/{name}";

    private static EarthEngineException Invalid(string message) => new(EeStatusCode.InvalidArgument, message);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Operation {InstanceId}: started by the drop of {Blob}")]
    private static partial void LogStarted(ILogger logger, string instanceId, Uri blob);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Drop {Blob}: rejected, {Reason}")]
    private static partial void LogRejected(ILogger logger, Uri blob, string reason);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Blob trigger poison message that names no blob: {Message}")]
    private static partial void LogUnknownPoison(ILogger logger, string message);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "Drop {Blob}: a data file for manifests, nothing to start")]
    private static partial void LogDataFile(ILogger logger, Uri blob);
}
