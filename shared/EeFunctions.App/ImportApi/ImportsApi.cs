using System.Text.Json.Nodes;
using EeFunctions.DurableTask;
using Microsoft.DurableTask.Client;

namespace EeFunctions.App.ImportApi;

/// <summary><c>POST /api/v1/imports</c> and <c>GET /api/v1/imports/{id}</c>.</summary>
public sealed partial class ImportsApi(
    ImportTokenService tokens,
    ImportStore imports,
    HeaderSealer sealer,
    PhotoDownloader downloader,
    OrchestrationStarter starter,
    TimeProvider time,
    ILogger<ImportsApi> logger)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public Task CreateAsync(HttpContext http, DurableTaskClient durable) => ImportApiResponse.RunAsync(http, logger, async () =>
    {
        ArgumentNullException.ThrowIfNull(durable);
        var cancellationToken = http.RequestAborted;
        var caller = await tokens.AuthenticateAsync(http.Request.Headers.Authorization, cancellationToken);
        ImportApiResponse.EchoToken(http, caller);
        var request = await ImportRequest.ReadAsync(http.Request, cancellationToken);

        var album = request.AlbumId;
        if (string.IsNullOrEmpty(album))
        {
            throw ImportApiException.Unprocessable("missing_parameter", "album_id is required.");
        }

        if (!ImportKeys.IsAlbumId(album))
        {
            throw ImportApiException.Unprocessable("invalid_parameter", "album_id must be 1-128 of letters, digits, '-', '_' and '.', starting with a letter or digit.");
        }

        if (!caller.Can(album, ImportCaller.ImageUpload))
        {
            throw ImportApiException.Forbidden($"This token does not grant image_upload on album '{album}'.");
        }

        if ((request.ImportType is { } type && !string.Equals(type, "url", StringComparison.OrdinalIgnoreCase)) || request.HasAttachmentId)
        {
            throw ImportApiException.Unprocessable("unsupported_import_type", $"Import type '{request.ImportType ?? "salesforce"}' is not supported by this server (Salesforce imports, attachment_id, are not); send a url.");
        }

        var url = request.Url;
        if (string.IsNullOrEmpty(url))
        {
            throw ImportApiException.Unprocessable("missing_parameter", "url is required.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            throw ImportApiException.Unprocessable("invalid_parameter", "url must be an absolute http or https URL.");
        }

        if (downloader.RefusalOf(uri) is { } refusal)
        {
            throw ImportApiException.Unprocessable("invalid_parameter", refusal);
        }

        var headers = request.DownloadHeaders();
        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length > 255)
        {
            throw ImportApiException.Unprocessable("invalid_parameter", $"{IdempotencyHeader} must be at most 255 characters.");
        }

        var id = key.Length > 0 ? ImportKeys.ImportIdFor(caller.ClientId, key) : Guid.NewGuid().ToString();
        var now = time.GetLocalNow();
        var record = new ImportRecord
        {
            Id = id,
            ClientId = caller.ClientId,
            OrganizationId = caller.OrganizationId,
            AlbumId = album,
            Url = uri.AbsoluteUri,
            Filename = request.Filename is { Length: > 0 } name ? name : FilenameOf(uri),
            Params = request.EchoParams(),
            MetadataJson = request.Metadata.ToJsonString(),
            SealedHeaders = sealer.Seal(id, headers),
            CreatedAt = now,
            UpdatedAt = now,
        };

        var (stored, created) = await imports.CreateAsync(record, cancellationToken);
        if (stored.ClientId != caller.ClientId)
        {
            throw ImportApiException.Unprocessable("invalid_parameter", $"{IdempotencyHeader} is already used.");
        }

        // Started through the atomic starter on every call, so a repeat also starts an import whose first call died
        // between its row and its start; the instance id derives from the import id, so nothing runs twice.
        var input = new PhotoImportInput(stored.Id, ImportKeys.ImageIdFor(stored.Id), stored.AlbumId, stored.OrganizationId, stored.Url, stored.Filename, stored.SealedHeaders, stored.MetadataJson);
        await starter.StartOnceAsync(durable, PhotoImportOrchestrator.Name, ImportKeys.InstanceId(stored.Id), input, cancellationToken);
        LogAccepted(logger, stored.Id, stored.AlbumId, created);
        await ImportApiResponse.WriteJsonAsync(http, stored.ToJson(withStatus: false));
    });

    public Task GetAsync(HttpContext http, string id) => ImportApiResponse.RunAsync(http, logger, async () =>
    {
        var cancellationToken = http.RequestAborted;
        var caller = await tokens.AuthenticateAsync(http.Request.Headers.Authorization, cancellationToken);
        ImportApiResponse.EchoToken(http, caller);
        var record = await imports.GetAsync(id, cancellationToken);
        if (record is null || record.OrganizationId != caller.OrganizationId)
        {
            throw ImportApiException.NotFound($"Import '{id}' was not found.");
        }

        if (!caller.Can(record.AlbumId, ImportCaller.ImageUpload) && !caller.Can(record.AlbumId, ImportCaller.ImageList))
        {
            throw ImportApiException.Forbidden($"This token grants neither image_upload nor image_list on album '{record.AlbumId}'.");
        }

        await ImportApiResponse.WriteJsonAsync(http, record.ToJson(withStatus: true));
    });

    private static string FilenameOf(Uri uri)
    {
        var last = Uri.UnescapeDataString(uri.Segments[^1]).Trim('/');
        return last.Length > 0 ? last : "image";
    }

    [LoggerMessage(EventId = 901, Level = LogLevel.Information, Message = "Import {ImportId}: accepted for album {AlbumId} (new: {Created})")]
    private static partial void LogAccepted(ILogger logger, string importId, string albumId, bool created);
}
