using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster.Tests;

/// <summary>
/// Every GDAL test runs in this one collection, never in parallel with another: GDAL's configuration and driver
/// registry are process-wide. GDAL is a hard requirement: when libgdal is missing the fixture fails every test
/// with the install command instead of skipping.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GdalCollectionDefinition : ICollectionFixture<GdalFixture>
{
    public const string Name = "Gdal";
}

/// <summary>Initialises GDAL once for the collection (throws <see cref="GdalUnavailableException"/> if missing).</summary>
public sealed class GdalFixture
{
    public GdalFixture() => Status = GdalRuntime.Initialize(new RasterOptions { GdalCacheMaxMb = 64 });

    public GdalStatus Status { get; }
}
