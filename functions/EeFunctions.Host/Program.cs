using EeFunctions.App.Durable;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Hosting;
using EeFunctions.App.Http;
using EeFunctions.App.ImportApi;
using EeFunctions.SelfHost;
using Microsoft.Extensions.Options;

var scriptRoot = FunctionsConfiguration.FindScriptRoot();
if (ImportApiCommands.Handles(args))
{
    Environment.ExitCode = await ImportApiCommands.RunAsync(args, scriptRoot, Console.Out, CancellationToken.None);
    return;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = scriptRoot });
builder.Configuration.AddFunctionsSettings(scriptRoot);

// Bind to loopback on the Functions port unless --urls / ASPNETCORE_URLS say otherwise.
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    var port = builder.Configuration["Host:LocalHttpPort"] ?? "7071";
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
}

builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
builder.Services.AddFunctionsHost(builder.Configuration);
builder.Services.AddDurableFunctions(builder.Configuration);
builder.Services.AddEarthEngine(builder.Configuration);
builder.Services.AddEarthEngineDurableApiAccess();
builder.Services.AddImportApi(builder.Configuration);

// Blob drops on the WebJobs SDK's blob trigger, as the Functions host runs it (README: Blob drops).
if (builder.Configuration.GetValue(EarthEngineOptions.SectionName + ":" + nameof(EarthEngineOptions.DropEnabled), true))
{
    builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
    {
        InitialData = new Dictionary<string, string?> { [EarthEngineOptions.SectionName + ":" + nameof(EarthEngineOptions.DropContainer)] = new EarthEngineOptions().DropContainer },
    });
    // host.json's extensions.queues, as the Functions host reads it (the blob trigger's own queue is one of them).
    var queues = builder.Configuration.GetSection("AzureFunctionsJobHost:extensions:queues");
    builder.Host.ConfigureWebJobs(webJobs => webJobs.AddAzureStorageBlobs().AddAzureStorageQueues(o => queues.Bind(o)));
    builder.Services.AddSingleton<Microsoft.Azure.WebJobs.ITypeLocator>(new BlobDropTypeLocator());
}

var app = builder.Build();
var http = app.Services.GetRequiredService<IOptions<HttpExtensionOptions>>().Value;
app.MapHealthApi(http.PathPrefix);
app.MapDurableHttpApi();
app.MapEarthEngineApi();
app.MapEeDiscoveryApi();
app.MapEeBatchApi();
app.MapImportApi();
await app.RunAsync();
