using EeFunctions.Raster.Reading;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>
/// One computation of an expression's bands on one grid: every band (and every stored tileset read) is computed at
/// most once however often the expression uses it.
/// </summary>
public sealed class ComputeSession(TargetGrid grid, CancellationToken cancellationToken)
{
    private readonly Dictionary<object, Task> _memo = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(object, string), Task> _keyed = [];
    private readonly Lock _lock = new();

    public TargetGrid Grid { get; } = grid ?? throw new ArgumentNullException(nameof(grid));

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public int PixelCount => Grid.Width * Grid.Height;

    /// <summary>The band's pixels on this grid.</summary>
    public Task<BandPixels> PixelsAsync(ImageBand band)
    {
        ArgumentNullException.ThrowIfNull(band);
        lock (_lock)
        {
            if (!_memo.TryGetValue(band.Compute, out var task))
            {
                task = band.Compute(this);
                _memo[band.Compute] = task;
            }

            return (Task<BandPixels>)task;
        }
    }

    /// <summary>A value computed once per (owner, key) in this session: a tileset read shared by its bands.</summary>
    public Task<T> OnceAsync<T>(object owner, string key, Func<Task<T>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        lock (_lock)
        {
            if (!_keyed.TryGetValue((owner, key), out var task))
            {
                task = compute();
                _keyed[(owner, key)] = task;
            }

            return (Task<T>)task;
        }
    }
}
