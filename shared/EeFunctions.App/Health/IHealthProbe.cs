namespace EeFunctions.App.Health;

/// <summary>Checks one component (storage service, native library) without throwing.</summary>
public interface IHealthProbe
{
    /// <summary>The component's name in the report (<c>blob</c>, <c>queue</c>, <c>table</c>, <c>gdal</c>).</summary>
    string Component { get; }

    Task<ComponentHealth> CheckAsync(CancellationToken cancellationToken);
}
