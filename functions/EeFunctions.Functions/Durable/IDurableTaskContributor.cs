using EeFunctions.Durable;

namespace EeFunctions.Functions.Durable;

/// <summary>Adds orchestrators and activities to the app's registry (one per feature; tests add their own).</summary>
public interface IDurableTaskContributor
{
    void Register(DurableTaskRegistry registry);
}
