namespace EeFunctions.App.Tests;

/// <summary>
/// Tests that run several host processes: on two cores they starve, or are starved by, whatever runs beside them, so
/// they run on their own after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollectionDefinition
{
    public const string Name = "alone";
}
