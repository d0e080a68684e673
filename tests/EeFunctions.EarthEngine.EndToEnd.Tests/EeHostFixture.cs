using System.Net.Http.Headers;
using EeFunctions.EarthEngine.Auth;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EeFunctions.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>One in-process host of the real Program on the assembly's Azurite, shared by the tests of a class.</summary>
public sealed class EeHostFixture : IAsyncLifetime
{
    public const string SystemKey = "test-system-key-0123456789abcdef";
    public const string SigningKey = "dGVzdC1vbmx5LWVlLXNpZ25pbmcta2V5LTAxMjM0NTY3ODlhYmNkZWY=";
    public const string SourcesContainer = "sources";

    private readonly AzuriteFixture _azurite = new();
    private WebApplicationFactory<Program>? _factory;

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not initialised.");

    public string ConnectionString => _azurite.ConnectionString;

    public EeTokenService Tokens { get; } = new(new EeAuthOptions { SigningKey = SigningKey });

    public BlobContainerClient Sources { get; private set; } = null!;

    public string TilesContainer { get; } = AzuriteFixture.UniqueName("tiles");

    public string StagingContainer { get; } = AzuriteFixture.UniqueName("staging");

    /// <summary>The container this host's blob-drop trigger watches.</summary>
    public string DropContainer { get; } = AzuriteFixture.UniqueName("drop");

    /// <summary>A 5000×10 GeoTIFF (wider than the host's Raster:MaxDimension of 4096) as gs://sources/oversize.tif.</summary>
    public async Task UploadOversizeAsync()
    {
        var blob = Sources.GetBlobClient("oversize.tif");
        if ((await blob.ExistsAsync()).Value)
        {
            return;
        }

        var path = Path.Combine(Path.GetTempPath(), "oversize-" + Guid.NewGuid().ToString("N") + ".tif");
        try
        {
            using (var process = System.Diagnostics.Process.Start("gdal_translate", ["-q", "-outsize", "5000", "10", TestData.Raster("byte.tif"), path]))
            {
                await process.WaitForExitAsync();
            }

            await using var stream = File.OpenRead(path);
            await blob.UploadAsync(stream, overwrite: true);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A 4000×4000 three-band GeoTIFF (256 tiles) as gs://sources/large.tif, for imports that take a while.</summary>
    public async Task<string> UploadLargeAsync()
    {
        var blob = Sources.GetBlobClient("large.tif");
        if (!(await blob.ExistsAsync()).Value)
        {
            var path = Path.Combine(Path.GetTempPath(), "large-" + Guid.NewGuid().ToString("N") + ".tif");
            try
            {
                using (var process = System.Diagnostics.Process.Start("gdal_translate", ["-q", "-outsize", "4000", "4000", "-r", "bilinear", TestData.Raster("RGB.byte.tif"), path]))
                {
                    await process.WaitForExitAsync();
                }

                await using var stream = File.OpenRead(path);
                await blob.UploadAsync(stream, overwrite: true);
            }
            finally
            {
                File.Delete(path);
            }
        }

        return $"gs://{SourcesContainer}/large.tif";
    }

    /// <summary>The names of every tile blob of an asset (all generations).</summary>
    public async Task<List<string>> TileBlobsAsync(string project, string assetPath)
    {
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient(TilesContainer);
        var names = new List<string>();
        if (!(await container.ExistsAsync()).Value)
        {
            return names;
        }

        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"tiles/{project}/{assetPath.Replace('/', ':')}/", CancellationToken.None))
        {
            names.Add(item.Name);
        }

        return names;
    }

    /// <summary>The names of every staging blob of an operation.</summary>
    public async Task<List<string>> StagingBlobsAsync(string operationId)
    {
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient(StagingContainer);
        var names = new List<string>();
        if (!(await container.ExistsAsync()).Value)
        {
            return names;
        }

        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, operationId + "/", CancellationToken.None))
        {
            names.Add(item.Name);
        }

        return names;
    }

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("AzureWebJobsStorage", _azurite.ConnectionString);
            b.UseSetting("DurableTask:SystemKey", SystemKey);
            b.UseSetting("EarthEngine:Auth:SigningKey", SigningKey);
            b.UseSetting("Raster:MaxDimension", "4096");
            b.UseSetting("EarthEngine:AssetsTable", AzuriteFixture.UniqueName("assets").Replace("-", string.Empty, StringComparison.Ordinal));
            b.UseSetting("EarthEngine:TilesContainer", TilesContainer);
            b.UseSetting("EarthEngine:StagingContainer", StagingContainer);
            b.UseSetting("EarthEngine:DropContainer", DropContainer);
            b.UseSetting("EarthEngine:TerminatedCleanupDelay", "00:00:01");
            b.UseSetting("EarthEngine:ReplacedTilesGrace", "00:00:05");
            b.UseSetting("AzureFunctionsJobHost:extensions:durableTask:hubName", "EeTest" + Guid.NewGuid().ToString("N")[..12]);
            b.UseSetting("AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval", "00:00:01");
        });
        _ = _factory.Server;
        Sources = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient(SourcesContainer);
        await Sources.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    /// <summary>A token with every permission on <paramref name="project"/>.</summary>
    public string Token(string project, string subject = "tester", params string[] permissions) =>
        Tokens.Issue(subject, new Dictionary<string, IReadOnlyList<string>> { [project] = permissions.Length == 0 ? EePermissions.All : permissions }, TimeSpan.FromHours(1));

    public HttpClient Client(string? token)
    {
        var client = Factory.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(5);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Uploads a sample raster as <c>gs://sources/{name}</c> (once) and returns that URI.</summary>
    public async Task<string> UploadAsync(string fileName, string? blobName = null)
    {
        blobName ??= fileName;
        var blob = Sources.GetBlobClient(blobName);
        if (!(await blob.ExistsAsync()).Value)
        {
            await using var stream = File.OpenRead(TestData.Raster(fileName));
            await blob.UploadAsync(stream, overwrite: true);
        }

        return $"gs://{SourcesContainer}/{blobName}";
    }
}
