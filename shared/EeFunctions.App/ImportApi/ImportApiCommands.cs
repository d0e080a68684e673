using System.Globalization;
using EeFunctions.App.Hosting;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// The Import API's command line, run by the self-host's executable against the storage its settings name:
/// <c>import-token --album ID [--client ID] [--hours N]</c> prints a token on its last line (creating the dev API
/// client when it is missing); <c>import-client create [--id ID] [--organization ID]</c>, <c>import-client list</c> and
/// <c>import-client delete ID</c> manage API clients.
/// </summary>
public static class ImportApiCommands
{
    public static bool Handles(string[] args) => args is ["import-token", ..] or ["import-client", ..];

    public static async Task<int> RunAsync(string[] args, string scriptRoot, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = scriptRoot, Args = [] });
        builder.Configuration.AddFunctionsSettings(scriptRoot);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddFunctionsHost(builder.Configuration);
        builder.Services.AddImportApi(builder.Configuration);
        using var host = builder.Build();
        var services = host.Services;
        await services.GetServices<IHostedService>().OfType<ImportApiStorageSetup>().Single().EnsureAsync(cancellationToken);
        var clients = services.GetRequiredService<ApiClientStore>();
        try
        {
            return args switch
            {
                ["import-token", .. var rest] => await TokenAsync(rest, clients, services, output, cancellationToken),
                ["import-client", "create", .. var rest] => await CreateAsync(rest, clients, output, cancellationToken),
                ["import-client", "list"] => await ListAsync(clients, output, cancellationToken),
                ["import-client", "delete", var id] => await DeleteAsync(id, clients, output, cancellationToken),
                _ => Usage(output),
            };
        }
        catch (ArgumentException ex)
        {
            await output.WriteLineAsync(ex.Message);
            return 2;
        }
    }

    private static async Task<int> TokenAsync(IReadOnlyList<string> args, ApiClientStore clients, IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var album = Option(args, "--album") ?? throw new ArgumentException("usage: import-token --album <album id> [--client <id>] [--hours <n>]");
        if (!ImportKeys.IsAlbumId(album))
        {
            throw new ArgumentException($"'{album}' is not a valid album id (1-128 of letters, digits, '-', '_' and '.').");
        }

        var hours = double.Parse(Option(args, "--hours") ?? "12", CultureInfo.InvariantCulture);
        var clientId = Option(args, "--client") ?? services.GetRequiredService<IOptions<ImportApiOptions>>().Value.DevClientId;
        var client = Option(args, "--client") is null
            ? await clients.EnsureAsync(clientId, cancellationToken)
            : await clients.GetAsync(clientId, cancellationToken) ?? throw new ArgumentException($"API client '{clientId}' does not exist.");
        var token = services.GetRequiredService<ImportTokenService>().Mint(
            client,
            new Dictionary<string, IReadOnlyList<string>> { [album] = [ImportCaller.ImageUpload, ImportCaller.ImageList] },
            TimeSpan.FromHours(hours));
        await output.WriteLineAsync($"Import API token of client '{client.Id}' with image_upload and image_list on album '{album}', valid {hours} h:");
        await output.WriteLineAsync(token);
        return 0;
    }

    private static async Task<int> CreateAsync(IReadOnlyList<string> args, ApiClientStore clients, TextWriter output, CancellationToken cancellationToken)
    {
        var client = await clients.CreateAsync(Option(args, "--id"), Option(args, "--organization"), cancellationToken);
        if (client is null)
        {
            await output.WriteLineAsync($"API client '{Option(args, "--id")}' exists already.");
            return 1;
        }

        await output.WriteLineAsync($"id: {client.Id}\norganization_id: {client.OrganizationId}\nsecret: {client.Secret}");
        return 0;
    }

    private static async Task<int> ListAsync(ApiClientStore clients, TextWriter output, CancellationToken cancellationToken)
    {
        await foreach (var client in clients.ListAsync(cancellationToken))
        {
            await output.WriteLineAsync($"{client.Id}\t{client.OrganizationId}\t{ImportRecord.Timestamp(client.CreatedAt)}");
        }

        return 0;
    }

    private static async Task<int> DeleteAsync(string id, ApiClientStore clients, TextWriter output, CancellationToken cancellationToken)
    {
        var deleted = await clients.DeleteAsync(id, cancellationToken);
        await output.WriteLineAsync(deleted ? $"Deleted API client '{id}'; its tokens stop working within {ApiClientStore.CacheFor.TotalSeconds} s." : $"There is no API client '{id}'.");
        return deleted ? 0 : 1;
    }

    private static int Usage(TextWriter output)
    {
        output.WriteLine("usage: import-token --album <id> [--client <id>] [--hours <n>] | import-client create [--id <id>] [--organization <id>] | import-client list | import-client delete <id>");
        return 2;
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }
}
