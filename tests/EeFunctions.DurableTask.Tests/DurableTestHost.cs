using System.Collections.Concurrent;
using DurableTask.AzureStorage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EeFunctions.DurableTask.Tests;

/// <summary>
/// A generic host running the SDK worker and client through our adapters on DTFx's Azure Storage provider, on a hub of
/// its own in the assembly's Azurite.
/// </summary>
internal sealed class DurableTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DurableTestHost(IHost host, string hubName)
    {
        _host = host;
        HubName = hubName;
    }

    public string HubName { get; }

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public OrchestrationStarter Starter => _host.Services.GetRequiredService<OrchestrationStarter>();

    public IServiceProvider Services => _host.Services;

    public static async Task<DurableTestHost> StartAsync(
        string connection,
        Action<DurableTaskRegistry> tasks,
        IDictionary<string, string?>? settings = null,
        ConcurrentQueue<string>? logs = null,
        string? hubName = null,
        bool worker = true)
    {
        hubName ??= "T" + Guid.NewGuid().ToString("N")[..16];
        var values = new Dictionary<string, string?>
        {
            [DurableTaskExtensionOptions.SectionName + ":hubName"] = hubName,
            [DurableTaskExtensionOptions.SectionName + ":storageProvider:maxQueuePollingInterval"] = "00:00:01",
            [DurableTaskExtensionOptions.SectionName + ":storageProvider:partitionCount"] = "2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("EEFUNCTIONS_TEST_CONSOLE_LOGS") == "1")
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Information);
        if (logs is not null)
        {
            builder.Logging.AddProvider(new QueueLoggerProvider(logs));
        }

        if (worker)
        {
            builder.Services.AddDurableTaskOnAzureStorage(builder.Configuration, _ => new StorageAccountClientProvider(connection));
        }
        else
        {
            builder.Services.AddDurableTaskClientOnAzureStorage(builder.Configuration, _ => new StorageAccountClientProvider(connection));
        }

        builder.Services.AddSingleton<IDurableTaskContributor>(new Contributor(tasks));
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<TaskHubStartup>().WaitUntilReadyAsync(CancellationToken.None);
        return new DurableTestHost(host, hubName);
    }

    public async Task<OrchestrationMetadata> RunAsync(string name, object? input = null, TimeSpan? timeout = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(name, input);
        return await WaitAsync(id, timeout);
    }

    public async Task<OrchestrationMetadata> WaitAsync(string id, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private sealed class Contributor(Action<DurableTaskRegistry> tasks) : IDurableTaskContributor
    {
        public void Register(DurableTaskRegistry registry) => tasks(registry);
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(categoryName, logs);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(string category, ConcurrentQueue<string> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue($"{category}|{formatter(state, exception)}");
    }
}
