using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace EeFunctions.DurableTask;

/// <summary>What the worker's registry holds, for callers that must refuse an unknown name before starting it.</summary>
public sealed class RegisteredTasks(IOptionsMonitor<DurableTaskRegistry> registry)
{
    private readonly Lazy<HashSet<string>> _orchestrators = new(() =>
        new HashSet<string>(registry.Get(Options.DefaultName).GetOrchestrators().Select(o => o.Key.Name), StringComparer.OrdinalIgnoreCase));

    public bool ContainsOrchestrator(string name) => _orchestrators.Value.Contains(name);
}
