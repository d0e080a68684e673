using Microsoft.DurableTask;

namespace EeFunctions.DurableTask;

/// <summary>Adds orchestrators and activities to the worker's registry (one per feature; tests add their own).</summary>
public interface IDurableTaskContributor
{
    void Register(DurableTaskRegistry registry);
}
