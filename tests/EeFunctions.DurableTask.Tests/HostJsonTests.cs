using Microsoft.Extensions.Configuration;

namespace EeFunctions.DurableTask.Tests;

/// <summary>host.json's extensions.durableTask read as Durable Functions 2.x reads it.</summary>
public sealed class HostJsonTests
{
    private static IConfiguration Section(string json)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return new ConfigurationBuilder().AddJsonStream(stream).Build();
    }

    [Fact]
    public void Every_supported_key_at_its_Durable_Functions_path_binds_with_no_error_or_warning()
    {
        var section = Section("""
            { "hubName": "Hub1", "maxConcurrentActivityFunctions": 7, "maxConcurrentOrchestratorFunctions": 9,
              "extendedSessionsEnabled": true, "extendedSessionIdleTimeoutInSeconds": 12,
              "storageProvider": { "type": "AzureStorage", "partitionCount": 3, "maxQueuePollingInterval": "00:00:02",
                "controlQueueBatchSize": 16, "controlQueueVisibilityTimeout": "00:01:00", "workItemQueueVisibilityTimeout": "00:02:00",
                "useTablePartitionManagement": true } }
            """);
        var (errors, warnings) = DurableTaskHostJson.Check(section);
        Assert.Empty(errors);
        Assert.Empty(warnings);

        var options = section.Get<DurableTaskExtensionOptions>()!;
        var settings = AzureStorageTaskHub.Settings(options, new global::DurableTask.AzureStorage.StorageAccountClientProvider("UseDevelopmentStorage=true"), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Equal("Hub1", settings.TaskHubName);
        Assert.Equal(7, settings.MaxConcurrentTaskActivityWorkItems);
        Assert.Equal(9, settings.MaxConcurrentTaskOrchestrationWorkItems);
        Assert.True(settings.ExtendedSessionsEnabled);
        Assert.Equal(TimeSpan.FromSeconds(12), settings.ExtendedSessionIdleTimeout);
        Assert.Equal(3, settings.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.MaxQueuePollingInterval);
        Assert.Equal(16, settings.ControlQueueBatchSize);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.ControlQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.WorkItemQueueVisibilityTimeout);
        Assert.True(settings.UseTablePartitionManagement);
        Assert.True(settings.UseInstanceTableEtag);
        Assert.True(settings.ThrowExceptionOnInvalidDedupeStatus);
    }

    [Theory]
    [InlineData("{}", true)]
    [InlineData("""{ "storageProvider": { "useTablePartitionManagement": false } }""", false)]
    public void Partitions_are_managed_in_the_table_unless_host_json_turns_it_off_as_in_Durable_Functions_3(string json, bool expected)
    {
        var options = Section(json).Get<DurableTaskExtensionOptions>() ?? new DurableTaskExtensionOptions();
        var settings = AzureStorageTaskHub.Settings(options, new global::DurableTask.AzureStorage.StorageAccountClientProvider("UseDevelopmentStorage=true"), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Equal(expected, settings.UseTablePartitionManagement);
    }

    [Theory]
    [InlineData("""{ "useAppLease": false }""", "extensions.durableTask.useAppLease")]
    [InlineData("""{ "tracing": { "traceInputsAndOutputs": true } }""", "extensions.durableTask.tracing")]
    [InlineData("""{ "storageProvider": { "trackingStoreNamePrefix": "x" } }""", "extensions.durableTask.storageProvider.trackingStoreNamePrefix")]
    [InlineData("""{ "storageProvider": { "connectionName": "Other" } }""", "extensions.durableTask.storageProvider.connectionName")]
    public void A_Durable_Functions_key_this_service_does_not_honour_is_an_error_naming_it(string json, string key)
    {
        var (errors, _) = DurableTaskHostJson.Check(Section(json));
        Assert.Contains(errors, e => e.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_key_is_only_a_warning_and_the_old_polling_interval_place_says_where_it_belongs()
    {
        var (errors, warnings) = DurableTaskHostJson.Check(Section("""{ "somethingElse": 1, "maxQueuePollingInterval": "00:00:05" }"""));
        Assert.Empty(errors);
        Assert.Contains(warnings, w => w.Contains("extensions.durableTask.somethingElse", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("storageProvider.maxQueuePollingInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_process_gets_its_own_worker_id()
    {
        var ids = Enumerable.Range(0, 20).Select(_ => AzureStorageTaskHub.NewWorkerId()).ToHashSet();
        Assert.Equal(20, ids.Count);
        Assert.All(ids, id => Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), id, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("partitionCount", "17")]
    [InlineData("controlQueueBatchSize", "33")]
    [InlineData("maxQueuePollingInterval", "00:05:00")]
    [InlineData("type", "mssql")]
    public void An_out_of_range_setting_fails_validation_naming_it(string key, string value)
    {
        var section = Section($$"""{ "storageProvider": { "{{key}}": "{{value}}" } }""");
        var options = section.Get<DurableTaskExtensionOptions>()!;
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains(key, StringComparison.Ordinal));
    }
}
