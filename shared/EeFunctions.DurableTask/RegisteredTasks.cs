using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace EeFunctions.DurableTask;

/// <summary>What the worker's registry holds, for callers that must refuse an unknown name before starting it.</summary>
public sealed class RegisteredTasks(IOptionsMonitor<DurableTaskRegistry> registry)
{
    private readonly Lazy<HashSet<string>> _orchestrators = new(() =>
        new HashSet<string>(registry.Get(Options.DefaultName).GetOrchestrators().Select(o => o.Key.Name), StringComparer.OrdinalIgnoreCase));

    private readonly Lazy<HashSet<string>> _activities = new(() =>
        new HashSet<string>(registry.Get(Options.DefaultName).GetActivities().Select(a => a.Key.Name), StringComparer.OrdinalIgnoreCase));

    public bool ContainsOrchestrator(string name) => _orchestrators.Value.Contains(name);

    /// <summary>Every orchestrator's name (the Functions app's wrappers must match them).</summary>
    public IReadOnlyCollection<string> OrchestratorNames => _orchestrators.Value;

    /// <summary>Every activity's name.</summary>
    public IReadOnlyCollection<string> ActivityNames => _activities.Value;
}
