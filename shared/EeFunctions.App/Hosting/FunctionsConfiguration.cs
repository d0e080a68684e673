using System.Globalization;
using System.Text.Json;

namespace EeFunctions.App.Hosting;

/// <summary>
/// Reads <c>host.json</c> and <c>local.settings.json</c> with the meaning the Azure Functions host gives them:
/// host.json lands under <c>AzureFunctionsJobHost:</c> (and its <c>logging.logLevel</c> drives logging),
/// local.settings.json <c>Values</c> become top-level settings, and environment variables and the command
/// line override both.
/// </summary>
public static class FunctionsConfiguration
{
    /// <summary>The configuration section host.json is mapped to (as on Azure Functions).</summary>
    public const string HostSection = "AzureFunctionsJobHost";

    /// <summary>The environment variable naming the folder of host.json (as on Azure Functions).</summary>
    public const string ScriptRootVariable = "AzureWebJobsScriptRoot";

    /// <summary>
    /// The folder holding host.json: <c>AzureWebJobsScriptRoot</c> if set, else the nearest folder upward from
    /// the current directory or the app's base directory that has one, else the current directory.
    /// </summary>
    public static string FindScriptRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable(ScriptRootVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "host.json")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>
    /// Adds host.json and local.settings.json as the lowest-priority sources, so that every source the builder
    /// already has (appsettings, environment variables, command line) overrides them.
    /// </summary>
    public static void AddFunctionsSettings(this IConfigurationManager configuration, string scriptRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var hostJson = Path.Combine(scriptRoot, "host.json");
        if (File.Exists(hostJson))
        {
            using var doc = ParseFile(hostJson);
            Flatten(doc.RootElement, HostSection, values);
            if (doc.RootElement.TryGetProperty("logging", out var logging) && logging.TryGetProperty("logLevel", out var levels))
            {
                foreach (var level in levels.EnumerateObject())
                {
                    var category = level.Name.Equals("default", StringComparison.OrdinalIgnoreCase) ? "Default" : level.Name;
                    values[$"Logging:LogLevel:{category}"] = level.Value.ToString();
                }
            }
        }

        var localSettings = Path.Combine(scriptRoot, "local.settings.json");
        if (File.Exists(localSettings))
        {
            using var doc = ParseFile(localSettings);
            if (doc.RootElement.TryGetProperty("Values", out var settings))
            {
                foreach (var setting in settings.EnumerateObject())
                {
                    // Functions accepts "A__B" and "A:B" alike for nested keys.
                    values[setting.Name.Replace("__", ":", StringComparison.Ordinal)] = setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.ToString();
                }
            }

            if (doc.RootElement.TryGetProperty("Host", out var host) && host.TryGetProperty("LocalHttpPort", out var port))
            {
                values["Host:LocalHttpPort"] = port.ToString();
            }
        }

        var memory = new ConfigurationBuilder().AddInMemoryCollection(values).Sources[0];
        configuration.Sources.Insert(0, memory);
    }

    private static JsonDocument ParseFile(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix + ":" + property.Name, values);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, prefix + ":" + index.ToString(CultureInfo.InvariantCulture), values);
                    index++;
                }

                break;
            case JsonValueKind.String:
                values[prefix] = element.GetString();
                break;
            case JsonValueKind.Null:
                values[prefix] = null;
                break;
            default:
                values[prefix] = element.GetRawText();
                break;
        }
    }
}
