using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace EeFunctions.Storage;

/// <summary>The kind of storage service a pipeline talks to (they differ in signing and scope).</summary>
internal enum StorageService
{
    Blob,
    Queue,
    Table,
}

/// <summary>
/// One service endpoint with its authenticated pipeline. Every client of that service (service, container,
/// blob, queue, table) shares it, so retries, auth and diagnostics are set up once.
/// </summary>
internal sealed class StorageServiceContext
{
    private const string StorageScope = "https://storage.azure.com/.default";

    private StorageServiceContext(HttpPipeline pipeline, Uri endpoint, string? accountName, StorageSharedKeyCredential? sharedKey, StorageService service)
    {
        Pipeline = pipeline;
        Endpoint = endpoint;
        AccountName = accountName;
        SharedKey = sharedKey;
        Service = service;
    }

    public HttpPipeline Pipeline { get; }

    /// <summary>The service endpoint, without a trailing slash (path-style for Azurite).</summary>
    public Uri Endpoint { get; }

    public string? AccountName { get; }

    public StorageSharedKeyCredential? SharedKey { get; }

    public StorageService Service { get; }

    public static StorageServiceContext FromConnectionString(string connectionString, StorageService service, StorageClientOptions? options)
    {
        var parsed = StorageConnectionString.Parse(connectionString);
        var endpoint = service switch
        {
            StorageService.Blob => parsed.BlobEndpoint,
            StorageService.Queue => parsed.QueueEndpoint,
            _ => parsed.TableEndpoint,
        };
        return Create(endpoint, service, options, parsed.SharedKeyCredential, parsed.SharedAccessSignature, null);
    }

    public static StorageServiceContext Create(Uri endpoint, StorageService service, StorageClientOptions? options,
        StorageSharedKeyCredential? sharedKey = null, string? sas = null, TokenCredential? token = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new StorageClientOptions();
        var perRetry = new List<HttpPipelinePolicy>();
        if (sharedKey is not null)
        {
            perRetry.Add(new SharedKeyPolicy(sharedKey, service == StorageService.Table));
        }
        else if (token is not null)
        {
            // Azure.Core's bearer policy refuses plain http on every request (loopback included), so fail here, clearly.
            if (endpoint.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"Bearer tokens may only be sent over https; the endpoint '{endpoint.GetLeftPart(UriPartial.Authority)}' is {endpoint.Scheme}.", nameof(endpoint));
            }

            perRetry.Add(new BearerTokenAuthenticationPolicy(token, StorageScope));
        }

        // A SAS embedded in the endpoint query works as well as one passed separately.
        if (sas is null && endpoint.Query.Contains("sig=", StringComparison.Ordinal))
        {
            sas = endpoint.Query.TrimStart('?');
        }

        if (sas is not null)
        {
            perRetry.Add(new SasQueryPolicy(sas));
        }

        // The table service is versioned separately; 2019-02-02 is the newest table version and Azurite's default.
        var version = service == StorageService.Table ? "2019-02-02" : options.Version;
        var pipelineOptions = new HttpPipelineOptions(options)
        {
            RequestFailedDetailsParser = StorageErrorParser.Instance,
        };
        pipelineOptions.PerCallPolicies.Add(new StorageVersionPolicy(version));
        foreach (var policy in perRetry)
        {
            pipelineOptions.PerRetryPolicies.Add(policy);
        }

        var pipeline = HttpPipelineBuilder.Build(pipelineOptions);
        var trimmed = new UriBuilder(endpoint) { Query = string.Empty }.Uri;
        var clean = new Uri(trimmed.GetLeftPart(UriPartial.Path).TrimEnd('/'));
        return new StorageServiceContext(pipeline, clean, sharedKey?.AccountName ?? StorageConnectionString.AccountNameFromEndpoint(clean), sharedKey, service);
    }

    /// <summary>Builds <c>{endpoint}/{path}</c> with an optional query (already escaped).</summary>
    public Uri BuildUri(string escapedPath, string? query = null)
    {
        // A host-only endpoint (https://acct.queue.core.windows.net) has AbsoluteUri ending in '/'; trim it so the path does not start with '//'.
        var s = Endpoint.AbsoluteUri.TrimEnd('/') + (escapedPath.Length == 0 ? string.Empty : "/" + escapedPath);
        return new Uri(query is null or "" ? s : s + "?" + query);
    }

    public HttpMessage CreateMessage(RequestMethod method, Uri uri)
    {
        var message = Pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        return message;
    }

    /// <summary>Sends and returns the response; an error status throws <see cref="RequestFailedException"/> with the service's code.</summary>
    public async ValueTask<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await Pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        if (response.Status >= 400)
        {
            throw CreateException(response);
        }

        return response;
    }

    public static RequestFailedException CreateException(Response response) =>
        new(response, null, StorageErrorParser.Instance);

    /// <summary>Escapes a blob name segment by segment, keeping '/' separators.</summary>
    public static string EscapePath(string name) =>
        string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
}
