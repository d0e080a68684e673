using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.ImportApi;
using EeFunctions.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EeFunctions.ImportApi.Tests;

/// <summary>
/// One in-process host of the real Program on the assembly's Azurite, with the Import API's tables and container of
/// its own. Private-network sources are refused except 127.0.0.1, where <see cref="Photos"/> serves the test photos.
/// </summary>
public sealed class ImportApiHost : IAsyncLifetime
{
    public const string SystemKey = "test-system-key-0123456789abcdef";

    public const string HeaderKey = "dGVzdC1vbmx5LWltcG9ydC1oZWFkZXIta2V5LTAxMjM=";
    private readonly AzuriteFixture _azurite = new();
    private WebApplicationFactory<Program>? _factory;

    public PhotoServer Photos { get; } = new();

    public string ImportsTable { get; } = AzuriteFixture.UniqueName("imports").Replace("-", string.Empty, StringComparison.Ordinal);

    public string ImagesTable { get; } = AzuriteFixture.UniqueName("images").Replace("-", string.Empty, StringComparison.Ordinal);

    public string ImagesContainer { get; } = AzuriteFixture.UniqueName("images");

    public string HubName { get; } = "ImpTest" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString => _azurite.ConnectionString;

    public IServiceProvider Services => (_factory ?? throw new InvalidOperationException("Not initialised.")).Services;

    public HttpClient CreateClient() => (_factory ?? throw new InvalidOperationException("Not initialised.")).CreateClient();

    /// <summary>A new API client and a token of it granting <paramref name="abilities"/> on <paramref name="album"/>.</summary>
    public async Task<(ApiClient Client, string Token)> TokenAsync(string album, params string[] abilities)
    {
        var client = await Services.GetRequiredService<ApiClientStore>().CreateAsync(null, null, CancellationToken.None) ?? throw new InvalidOperationException("No client.");
        return (client, Mint(client, album, TimeSpan.FromHours(1), abilities.Length == 0 ? [ImportCaller.ImageUpload, ImportCaller.ImageList] : abilities));
    }

    public string Mint(ApiClient client, string album, TimeSpan lifetime, params string[] abilities) =>
        Services.GetRequiredService<ImportTokenService>().Mint(client, new Dictionary<string, IReadOnlyList<string>> { [album] = abilities }, lifetime);

    public static void Authorize(HttpRequestMessage request, string token) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Token", $"token=\"{token}\"");

    public static async Task<HttpResponseMessage> PostImportAsync(HttpClient http, string token, IEnumerable<KeyValuePair<string, string>> form, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = new FormUrlEncodedContent(form) };
        Authorize(request, token);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> GetAsync(HttpClient http, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        Authorize(request, token);
        return await http.SendAsync(request);
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject ?? throw new InvalidOperationException("Not a JSON object.");

    /// <summary>Polls an import until it is completed or failed.</summary>
    public static async Task<JsonObject> WaitAsync(HttpClient http, string token, string importId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            using var response = await GetAsync(http, token, "/api/v1/imports/" + importId);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var import = await JsonAsync(response);
            var status = (string?)import["status"];
            if (status is ImportStatus.Completed or ImportStatus.Failed)
            {
                return import;
            }

            Assert.True(DateTime.UtcNow < deadline, $"import {importId} still {status} after 90 s");
            await Task.Delay(200);
        }
    }

    /// <summary>Every blob name under an image in the images container.</summary>
    public async Task<List<string>> ImageBlobsAsync(string imageId)
    {
        var container = new BlobServiceClient(ConnectionString).GetBlobContainerClient(ImagesContainer);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, imageId + "/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>Every string property of every row in a table, for checks that a value is stored nowhere.</summary>
    public async Task<List<string>> TableTextAsync(string table)
    {
        var texts = new List<string>();
        await foreach (var row in new TableClient(ConnectionString, table).QueryAsync<TableEntity>())
        {
            texts.AddRange(row.Select(p => p.Value).OfType<string>());
        }

        return texts;
    }

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("AzureWebJobsStorage", _azurite.ConnectionString);
            b.UseSetting("DurableTask:SystemKey", SystemKey);
            b.UseSetting("ImportApi:HeaderKey", HeaderKey);
            b.UseSetting("EarthEngine:DropEnabled", "false");
            b.UseSetting("ImportApi:ClientsTable", AzuriteFixture.UniqueName("clients").Replace("-", string.Empty, StringComparison.Ordinal));
            b.UseSetting("ImportApi:ImportsTable", ImportsTable);
            b.UseSetting("ImportApi:ImagesTable", ImagesTable);
            b.UseSetting("ImportApi:ImagesContainer", ImagesContainer);
            b.UseSetting("ImportApi:MaxFrames", "100");
            b.UseSetting("AzureFunctionsJobHost:extensions:durableTask:hubName", HubName);
            b.UseSetting("AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval", "00:00:01");
            b.ConfigureTestServices(services => services.AddSingleton(new PhotoDownloader(
                new SafeDownloadPolicy(AllowPrivateNetworkSources: false, 50L * 1024 * 1024, TimeSpan.FromSeconds(30)) { AllowedAddresses = [IPAddress.Loopback] })));
        });
        _ = _factory.Server;
    }

    public async Task DisposeAsync()
    {
        Photos.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }
}

/// <summary>Every class shares one host (hosts of the real Program must not start concurrently).</summary>
[CollectionDefinition(Name)]
public sealed class ImportApiHostGroup : ICollectionFixture<ImportApiHost>
{
    public const string Name = "Import API host";
}
