namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>Every class shares one in-process host (hosts of the real Program must not start concurrently).</summary>
[CollectionDefinition(Name)]
public sealed class EeHostGroup : ICollectionFixture<EeHostFixture>
{
    public const string Name = "EE host";
}
