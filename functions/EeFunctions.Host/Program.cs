using EeFunctions.App.Durable;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Hosting;
using EeFunctions.App.Http;
using EeFunctions.App.ImportApi;
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

var app = builder.Build();
var http = app.Services.GetRequiredService<IOptions<HttpExtensionOptions>>().Value;
app.MapHealthApi(http.PathPrefix);
app.MapDurableHttpApi();
app.MapEarthEngineApi();
app.MapEeDiscoveryApi();
app.MapEeBatchApi();
app.MapImportApi();
await app.RunAsync();
