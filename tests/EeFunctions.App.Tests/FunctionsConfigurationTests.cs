using EeFunctions.DurableTask;
using EeFunctions.App.Hosting;
using Microsoft.Extensions.Configuration;

namespace EeFunctions.App.Tests;

public sealed class FunctionsConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("eefunctions-config-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ConfigurationManager Load(string hostJson, string? localSettings, IDictionary<string, string?>? overrides = null)
    {
        File.WriteAllText(Path.Combine(_root, "host.json"), hostJson);
        if (localSettings is not null)
        {
            File.WriteAllText(Path.Combine(_root, "local.settings.json"), localSettings);
        }

        var configuration = new ConfigurationManager();
        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }

        configuration.AddFunctionsSettings(_root);
        return configuration;
    }

    [Fact]
    public void Host_json_is_mapped_under_AzureFunctionsJobHost_and_its_log_levels_drive_logging()
    {
        var configuration = Load(
            """{ "version": "2.0", "logging": { "logLevel": { "default": "Warning", "EeFunctions": "Debug" } }, "extensions": { "durableTask": { "hubName": "Hub1", "storageProvider": { "partitionCount": 8 } } } }""",
            null);

        Assert.Equal("Hub1", configuration["AzureFunctionsJobHost:extensions:durableTask:hubName"]);
        Assert.Equal("8", configuration["AzureFunctionsJobHost:extensions:durableTask:storageProvider:partitionCount"]);
        Assert.Equal("Warning", configuration["Logging:LogLevel:Default"]);
        Assert.Equal("Debug", configuration["Logging:LogLevel:EeFunctions"]);

        var options = configuration.GetSection(DurableTaskExtensionOptions.SectionName).Get<DurableTaskExtensionOptions>()!;
        Assert.Equal("Hub1", options.HubName);
        Assert.Equal(8, options.StorageProvider.PartitionCount);
    }

    [Fact]
    public void Local_settings_values_become_top_level_settings_with_double_underscore_nesting()
    {
        var configuration = Load("{}", """{ "IsEncrypted": false, "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true", "Limits__MaxPixels": "1000" }, "Host": { "LocalHttpPort": 7072 } }""");

        Assert.Equal("UseDevelopmentStorage=true", configuration["AzureWebJobsStorage"]);
        Assert.Equal("1000", configuration["Limits:MaxPixels"]);
        Assert.Equal("7072", configuration["Host:LocalHttpPort"]);
    }

    [Fact]
    public void Sources_added_before_the_functions_settings_still_override_them_like_environment_variables()
    {
        var configuration = Load(
            """{ "extensions": { "http": { "routePrefix": "api" } } }""",
            """{ "Values": { "AzureWebJobsStorage": "from-file" } }""",
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "from-env", ["AzureFunctionsJobHost:extensions:http:routePrefix"] = "x" });

        Assert.Equal("from-env", configuration["AzureWebJobsStorage"]);
        Assert.Equal("x", configuration["AzureFunctionsJobHost:extensions:http:routePrefix"]);
    }

    [Fact]
    public void Invalid_json_in_host_json_is_a_clear_start_up_error()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Load("{ not json", null));
        Assert.Contains("host.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Durable_defaults_match_Durable_Functions()
    {
        var options = new DurableTaskExtensionOptions();
        Assert.Equal(4, options.StorageProvider.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(30), options.StorageProvider.MaxQueuePollingInterval);
        Assert.Equal(32, options.StorageProvider.ControlQueueBatchSize);
        Assert.Equal(TimeSpan.FromMinutes(5), options.StorageProvider.ControlQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.StorageProvider.WorkItemQueueVisibilityTimeout);
        Assert.False(options.ExtendedSessionsEnabled);
        Assert.Equal(30, options.ExtendedSessionIdleTimeoutInSeconds);
        Assert.Equal(10 * Environment.ProcessorCount, options.MaxConcurrentActivityFunctions);
    }
}
