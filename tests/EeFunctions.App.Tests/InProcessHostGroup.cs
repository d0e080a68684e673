namespace EeFunctions.App.Tests;

/// <summary>
/// In-process hosts of the real Program run one at a time: WebApplicationFactory finds the host Program builds through
/// a process-wide diagnostic hook, so two factories starting at once can pick up each other's host.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InProcessHostGroup
{
    public const string Name = "In-process host";
}
