using System.Collections.Concurrent;
using System.Globalization;
using EeFunctions.Raster.Gdal;
using Microsoft.Extensions.Options;

namespace EeFunctions.Raster.Tiles;

/// <summary>What a tiling run wrote.</summary>
public sealed record TilingResult(TilesetLayout Layout, long TilesWritten, long BytesWritten);

/// <summary>
/// Cuts a GDAL-readable source into level-0 tiles and builds the pyramid above them, in managed code, in
/// parallel per tile (bounded by <see cref="RasterOptions.MaxParallelism"/>). GDAL work is synchronous and
/// each unit of work opens its own dataset, so no GDAL handle is shared between threads or held across an await.
/// </summary>
public sealed class RasterTiler
{
    private const long ChunkBudgetBytes = 64L * 1024 * 1024;

    private readonly RasterOptions _options;

    public RasterTiler(RasterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public RasterTiler(IOptions<RasterOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>
    /// The tileset layout for a source: its grid and CRS, the tile size from options, one entry per band
    /// (default names B1…, policy MEAN, no-data from the source). All bands share the union of their types.
    /// </summary>
    public TilesetLayout CreateLayout(string sourcePath, IReadOnlyList<PyramidingPolicy>? policies = null, IReadOnlyList<string>? bandNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        using var dataset = GdalDataset.Open(sourcePath);
        RasterLimits.CheckSource(_options, dataset.Width, dataset.Height, sourcePath);
        var count = dataset.BandCount;
        if (count == 0)
        {
            throw new RasterFormatException($"'{GdalDataset.DisplayPath(sourcePath)}' has no raster bands.");
        }

        if (policies is not null && policies.Count != count)
        {
            throw new ArgumentException($"{policies.Count} pyramiding policies given for {count} bands.", nameof(policies));
        }

        if (bandNames is not null && bandNames.Count != count)
        {
            throw new ArgumentException($"{bandNames.Count} band names given for {count} bands.", nameof(bandNames));
        }

        var type = 0;
        var bands = new List<TilesetBand>();
        var flags = new HashSet<int>();
        var anyNoData = false;
        for (var b = 1; b <= count; b++)
        {
            var code = GdalApi.GDALGetRasterDataType(dataset.Band(b));
            if (!((RasterDataType)code).IsSupported())
            {
                throw new RasterFormatException($"Band {b} has pixel type {RasterDataTypeExtensions.GdalName(code)}, which cannot be tiled.");
            }

            type = type == 0 ? code : GdalApi.GDALDataTypeUnion(type, code);
            var noData = dataset.NoData(b);
            anyNoData |= noData is not null;
            flags.Add(GdalApi.GDALGetMaskFlags(dataset.Band(b)));
            bands.Add(new TilesetBand(
                bandNames?[b - 1] ?? string.Create(CultureInfo.InvariantCulture, $"B{b}"),
                policies?[b - 1] ?? PyramidingPolicy.Mean,
                noData));
        }

        var dataType = (RasterDataType)type;
        if (!dataType.IsSupported())
        {
            throw new RasterFormatException($"The bands' common pixel type {RasterDataTypeExtensions.GdalName(type)} cannot be tiled.");
        }

        var mixedSample = bands.Any(x => x.Policy == PyramidingPolicy.Sample) && bands.Any(x => x.Policy != PyramidingPolicy.Sample);
        var maskPerBand = count > 1 && (flags.Count > 1 || anyNoData || !dataType.IsInteger() || mixedSample);
        return new TilesetLayout
        {
            Width = dataset.Width,
            Height = dataset.Height,
            TileSize = _options.TileSize,
            DataType = dataType,
            Bands = bands,
            MaskPerBand = maskPerBand,
            Transform = dataset.GetGeoTransform() ?? GeoTransform.Identity,
            CrsWkt = dataset.ProjectionWkt,
        };
    }

    /// <summary>
    /// Writes the level-0 tiles of <paramref name="sourcePath"/> and, with <paramref name="buildPyramid"/>, every
    /// pyramid level, each parent made from its four children as soon as they exist (children stay in memory,
    /// so nothing is decoded again).
    /// </summary>
    public Task<TilingResult> TileAsync(string sourcePath, TilesetLayout layout, TilesetKey key, ITileStore store, bool buildPyramid, CancellationToken cancellationToken) =>
        TileAsync(sourcePath, layout, key, store, buildPyramid, 0, int.MaxValue, cancellationToken);

    /// <summary>
    /// Writes the level-0 tiles of tile rows <paramref name="firstRow"/> to <paramref name="firstRow"/> +
    /// <paramref name="rowCount"/> − 1 only: one batch of a fan-out. Pyramids are then built with
    /// <see cref="BuildParentAsync"/> or <see cref="BuildPyramidAsync"/>.
    /// </summary>
    public Task<TilingResult> TileRowsAsync(string sourcePath, TilesetLayout layout, TilesetKey key, ITileStore store, int firstRow, int rowCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        return TileAsync(sourcePath, layout, key, store, false, firstRow, rowCount, cancellationToken);
    }

    private async Task<TilingResult> TileAsync(string sourcePath, TilesetLayout layout, TilesetKey key, ITileStore store, bool buildPyramid, int firstRow, int rowCount, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(store);
        RasterLimits.CheckSource(_options, layout.Width, layout.Height, sourcePath);
        var counters = new Counters();
        var pyramid = buildPyramid ? new PyramidAccumulator(this, layout, key, store, counters) : null;
        var endRow = (int)Math.Min((long)firstRow + rowCount, int.MaxValue);
        await Parallel.ForEachAsync(
            Units(layout).Where(u => u.Row >= firstRow && u.Row < endRow),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken },
            async (unit, ct) =>
            {
                var strip = ReadStrip(sourcePath, layout, unit);
                try
                {
                    for (var column = unit.FirstColumn; column < unit.EndColumn; column++)
                    {
                        ct.ThrowIfCancellationRequested();
                        var bounds = layout.TileBounds(0, unit.Row, column);
                        var tile = strip.CropPooled(bounds.X - unit.FirstColumn * layout.TileSize, 0, bounds.Width, bounds.Height);
                        await WriteTileAsync(store, key.Tile(0, unit.Row, column), tile, layout, counters, ct);
                        if (pyramid is not null)
                        {
                            await pyramid.AddAsync(0, unit.Row, column, tile, ct);
                        }
                        else
                        {
                            tile.Return();
                        }
                    }
                }
                finally
                {
                    strip.Return();
                }
            });

        return new TilingResult(layout, counters.Tiles, counters.Bytes);
    }

    /// <summary>
    /// Writes the level-0 tiles of a computed block whose top-left pixel is (<paramref name="x0"/>,
    /// <paramref name="y0"/>), both multiples of the tile size; the block holds the layout's bands and masks.
    /// </summary>
    public async Task<long> WriteLevelZeroAsync(PixelBlock block, int x0, int y0, TilesetLayout layout, TilesetKey key, ITileStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(store);
        var t = layout.TileSize;
        if (x0 % t != 0 || y0 % t != 0)
        {
            throw new ArgumentException("A block of tiles starts on a tile boundary.", nameof(x0));
        }

        var counters = new Counters();
        for (var row = y0 / t; row * t < y0 + block.Height; row++)
        {
            for (var column = x0 / t; column * t < x0 + block.Width; column++)
            {
                var bounds = layout.TileBounds(0, row, column);
                var tile = block.Crop(bounds.X - x0, bounds.Y - y0, bounds.Width, bounds.Height);
                await WriteTileAsync(store, key.Tile(0, row, column), tile, layout, counters, cancellationToken);
            }
        }

        return counters.Tiles;
    }

    /// <summary>
    /// Builds pyramid levels 1 and up from level-0 tiles already in the store (the fan-out form: each parent
    /// tile is read, reduced and written on its own).
    /// </summary>
    public async Task<TilingResult> BuildPyramidAsync(TilesetLayout layout, TilesetKey key, ITileStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(store);
        var counters = new Counters();
        for (var level = 1; level < layout.LevelCount; level++)
        {
            var parents = from row in Enumerable.Range(0, layout.Rows(level))
                          from column in Enumerable.Range(0, layout.Columns(level))
                          select (row, column);
            var current = level;
            await Parallel.ForEachAsync(
                parents,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken },
                async (parent, ct) => await BuildParentAsync(layout, key, store, current, parent.row, parent.column, counters, ct));
        }

        return new TilingResult(layout, counters.Tiles, counters.Bytes);
    }

    /// <summary>Builds one parent tile (level ≥ 1) from its children in the store: one unit of the pyramid fan-out.</summary>
    public async Task<long> BuildParentAsync(TilesetLayout layout, TilesetKey key, ITileStore store, int level, int row, int column, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(store);
        if (level < 1 || level >= layout.LevelCount || row < 0 || row >= layout.Rows(level) || column < 0 || column >= layout.Columns(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), $"Tile {level}/{row}/{column} is not a pyramid tile of this layout.");
        }

        var counters = new Counters();
        await BuildParentAsync(layout, key, store, level, row, column, counters, cancellationToken);
        return counters.Bytes;
    }

    private async Task BuildParentAsync(TilesetLayout layout, TilesetKey key, ITileStore store, int level, int row, int column, Counters counters, CancellationToken ct)
    {
        var children = new PixelBlock?[4];
        for (var q = 0; q < 4; q++)
        {
            var (childRow, childColumn) = (row * 2 + q / 2, column * 2 + q % 2);
            if (childRow >= layout.Rows(level - 1) || childColumn >= layout.Columns(level - 1))
            {
                continue;
            }

            var address = key.Tile(level - 1, childRow, childColumn);
            var bytes = await store.ReadAsync(address, ct) ?? throw new InvalidOperationException($"Tile {address} is missing.");
            children[q] = TileCodec.Decode(bytes, layout.DataType, layout.BandCount, layout.MaskBandCount);
        }

        var built = await WriteParentAsync(store, key, layout, level, row, column, children, counters, ct);
        built.Return();
    }

    private async Task<PixelBlock> WriteParentAsync(ITileStore store, TilesetKey key, TilesetLayout layout, int level, int row, int column, PixelBlock?[] children, Counters counters, CancellationToken ct)
    {
        var bounds = layout.TileBounds(level, row, column);
        var parent = PyramidKernel.Reduce(children, bounds.Width, bounds.Height, layout.TileSize, layout, pooled: true);
        foreach (var child in children)
        {
            child?.Return();
        }

        await WriteTileAsync(store, key.Tile(level, row, column), parent, layout, counters, ct);
        return parent;
    }

    private async Task WriteTileAsync(ITileStore store, TileAddress address, PixelBlock tile, TilesetLayout layout, Counters counters, CancellationToken ct)
    {
        var (buffer, length, pooled) = TileCodec.EncodePooled(tile, layout.TileTransform(address.Level, address.Row, address.Column), layout.CrsWkt, _options.Compression);
        try
        {
            await store.WriteAsync(address, buffer.AsMemory(0, length), ct);
        }
        finally
        {
            if (pooled)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        Interlocked.Increment(ref counters.Tiles);
        Interlocked.Add(ref counters.Bytes, length);
    }

    /// <summary>Work units: a level-0 tile row, split into column chunks that fit the memory budget and keep both cores busy.</summary>
    private IEnumerable<Unit> Units(TilesetLayout layout)
    {
        var rows = layout.Rows(0);
        var columns = layout.Columns(0);
        var tileBytes = (long)layout.TileSize * layout.TileSize * (layout.BandCount * layout.DataType.SizeInBytes() + layout.MaskBandCount);
        var chunk = (int)Math.Clamp(ChunkBudgetBytes / tileBytes, 1, columns);
        var wanted = 4 * _options.MaxParallelism;
        if (rows * ((columns + chunk - 1) / chunk) < wanted)
        {
            chunk = Math.Max(1, Math.Min(chunk, columns * rows / wanted));
        }

        for (var row = 0; row < rows; row++)
        {
            for (var first = 0; first < columns; first += chunk)
            {
                yield return new Unit(row, first, Math.Min(columns, first + chunk));
            }
        }
    }

    /// <summary>Reads the pixels and masks of a unit from the source (synchronously, with its own dataset).</summary>
    private static PixelBlock ReadStrip(string sourcePath, TilesetLayout layout, Unit unit)
    {
        var first = layout.TileBounds(0, unit.Row, unit.FirstColumn);
        var last = layout.TileBounds(0, unit.Row, unit.EndColumn - 1);
        var width = last.X + last.Width - first.X;
        var strip = PixelBlock.Rent(width, first.Height, layout.BandCount, layout.DataType, layout.MaskBandCount);
        try
        {
            using var dataset = GdalDataset.Open(sourcePath);
            if (dataset.BandCount != layout.BandCount || dataset.Width != layout.Width || dataset.Height != layout.Height)
            {
                throw new InvalidOperationException($"'{GdalDataset.DisplayPath(sourcePath)}' no longer matches its tileset layout.");
            }

            ReadPixels(dataset, layout, first.X, first.Y, strip);
            ReadMasks(dataset, layout, first.X, first.Y, strip);
            MaskNaN(strip, layout);
            LayoutNoDataMask.Apply(dataset, layout, strip);
            SourceValueMask.Apply(dataset, layout, first.X, first.Y, strip);
            return strip;
        }
        catch
        {
            strip.Return();
            throw;
        }
    }

    /// <summary>
    /// Reads all bands of a window band-sequential. A pixel-interleaved source is read in its own layout (GDAL's
    /// fast path, about 2.5× faster here) and split into bands in managed code.
    /// </summary>
    private static void ReadPixels(GdalDataset dataset, TilesetLayout layout, int x, int y, PixelBlock target)
    {
        var bands = Enumerable.Range(1, layout.BandCount).ToArray();
        var pixelInterleaved = layout.BandCount > 1
            && string.Equals(dataset.GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE"), "PIXEL", StringComparison.OrdinalIgnoreCase);
        if (!pixelInterleaved)
        {
            dataset.DatasetIO(false, x, y, target.Width, target.Height, target.Data, layout.DataType, bands);
            return;
        }

        var interleaved = System.Buffers.ArrayPool<byte>.Shared.Rent(target.DataLength);
        try
        {
            dataset.DatasetIOInterleaved(x, y, target.Width, target.Height, interleaved.AsSpan(0, target.DataLength), layout.DataType, bands);
            switch (layout.DataType.SizeInBytes())
            {
                case 1: Deinterleave<byte>(interleaved, target); break;
                case 2: Deinterleave<ushort>(interleaved, target); break;
                case 4: Deinterleave<uint>(interleaved, target); break;
                default: Deinterleave<ulong>(interleaved, target); break;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(interleaved);
        }
    }

    private static void Deinterleave<T>(byte[] interleaved, PixelBlock target)
        where T : unmanaged
    {
        var source = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(interleaved.AsSpan(0, target.DataLength));
        var bands = target.BandCount;
        for (var b = 0; b < bands; b++)
        {
            var band = target.Band<T>(b);
            for (int i = 0, j = b; i < band.Length; i++, j += bands)
            {
                band[i] = source[j];
            }
        }
    }

    private static void ReadMasks(GdalDataset dataset, TilesetLayout layout, int x, int y, PixelBlock strip)
    {
        for (var m = 0; m < layout.MaskBandCount; m++)
        {
            var band = dataset.Band(m + 1);
            var target = strip.MaskBand(m);
            if (GdalApi.GDALGetMaskFlags(band) == GdalApi.GmfAllValid)
            {
                target.Fill(255);
            }
            else
            {
                dataset.BandIO(GdalApi.GDALGetMaskBand(band), false, x, y, strip.Width, strip.Height, target, RasterDataType.Byte);
            }
        }
    }

    /// <summary>NaN cannot be averaged or compared: float pixels that are NaN are masked.</summary>
    internal static void MaskNaN(PixelBlock block, TilesetLayout layout)
    {
        if (layout.DataType.IsInteger())
        {
            return;
        }

        for (var b = 0; b < block.BandCount; b++)
        {
            var mask = block.MaskBand(layout.MaskPerBand ? b : 0);
            if (layout.DataType == RasterDataType.Float32)
            {
                var values = block.Band<float>(b);
                for (var i = 0; i < values.Length; i++)
                {
                    if (float.IsNaN(values[i]))
                    {
                        mask[i] = 0;
                    }
                }
            }
            else
            {
                var values = block.Band<double>(b);
                for (var i = 0; i < values.Length; i++)
                {
                    if (double.IsNaN(values[i]))
                    {
                        mask[i] = 0;
                    }
                }
            }
        }
    }

    private readonly record struct Unit(int Row, int FirstColumn, int EndColumn);

    private sealed class Counters
    {
        public long Tiles;
        public long Bytes;
    }

    /// <summary>Holds children until all of a parent's existing children have arrived, then builds the parent.</summary>
    private sealed class PyramidAccumulator(RasterTiler tiler, TilesetLayout layout, TilesetKey key, ITileStore store, Counters counters)
    {
        private readonly ConcurrentDictionary<(int Level, int Row, int Column), Slot> _pending = new();
        private readonly int _top = layout.LevelCount - 1;

        public async Task AddAsync(int level, int row, int column, PixelBlock block, CancellationToken ct)
        {
            while (level < _top)
            {
                var parent = (level + 1, row / 2, column / 2);
                var slot = _pending.GetOrAdd(parent, p => new Slot(Expected(level, p.Item2, p.Item3)));
                PixelBlock?[]? complete = null;
                lock (slot)
                {
                    slot.Children[(row % 2) * 2 + column % 2] = block;
                    if (++slot.Arrived == slot.Expected)
                    {
                        complete = slot.Children;
                        _pending.TryRemove(parent, out _);
                    }
                }

                if (complete is null)
                {
                    return;
                }

                (level, row, column) = parent;
                block = await tiler.WriteParentAsync(store, key, layout, level, row, column, complete, counters, ct);
            }
        }

        private int Expected(int childLevel, int parentRow, int parentColumn)
        {
            var rows = Math.Min(2, layout.Rows(childLevel) - parentRow * 2);
            var columns = Math.Min(2, layout.Columns(childLevel) - parentColumn * 2);
            return rows * columns;
        }

        private sealed class Slot(int expected)
        {
            public PixelBlock?[] Children { get; } = new PixelBlock?[4];

            public int Expected { get; } = expected;

            public int Arrived { get; set; }
        }
    }
}
