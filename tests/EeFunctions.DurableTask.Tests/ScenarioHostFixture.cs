using System.Collections.Concurrent;
using EeFunctions.Testing;

namespace EeFunctions.DurableTask.Tests;

/// <summary>One host with every scenario orchestration, shared by the scenario suite.</summary>
public sealed class ScenarioHostFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private DurableTestHost? _host;

    internal DurableTestHost Host => _host ?? throw new InvalidOperationException("not started");

    internal ConcurrentQueue<string> Logs { get; } = new();

    internal AzuriteFixture Azurite => _azurite;

    internal string ConnectionString => _azurite.ConnectionString;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _host = await DurableTestHost.StartAsync(_azurite.ConnectionString, ScenarioOrchestrations.Register, logs: Logs);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
