using System.Globalization;
using EeFunctions.Raster.Gdal;
using EeFunctions.Raster.Tiles;
using Microsoft.Extensions.Options;

namespace EeFunctions.Raster.Reading;

/// <summary>The pixel grid a caller wants: CRS (null = the tileset's), affine transform and size.</summary>
public sealed record TargetGrid(string? Crs, GeoTransform Transform, int Width, int Height);

/// <summary>
/// Reads a window of a tileset for a target grid. It picks the coarsest pyramid level whose pixels are at least
/// as fine as the target's (along each pixel axis the level's pixel is no larger than the target's, measured in
/// the tileset's CRS at the grid's centre). A grid equal to a stored level's grid (same CRS, same pixel size, origin on a pixel
/// corner) is copied pixel for pixel; any other grid is resampled by GDAL's warper with the method matching each
/// band's pyramiding policy (MEAN average, MIN min, MAX max, MEDIAN med, MODE mode, SAMPLE near), the tile
/// masks acting as alpha, so masks stay fractional. Masked pixels come back as 0 with mask 0.
/// </summary>
public sealed class RasterReader
{
    private readonly RasterOptions _options;

    public RasterReader(RasterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public RasterReader(IOptions<RasterOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>The GDAL resampling method used for a policy.</summary>
    public static string ResamplingMethod(PyramidingPolicy policy) => policy switch
    {
        PyramidingPolicy.Mean => "average",
        PyramidingPolicy.Min => "min",
        PyramidingPolicy.Max => "max",
        PyramidingPolicy.Median => "med",
        PyramidingPolicy.Mode => "mode",
        PyramidingPolicy.Sample => "near",
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    /// <summary>Reads the target grid; the result has the tileset's bands, type and mask layout.</summary>
    /// <param name="resampling">A GDAL method for every band instead of each band's policy (computations resample nearest).</param>
    public async Task<PixelBlock> ReadAsync(TilesetLayout layout, TilesetKey key, ITileStore store, TargetGrid grid, CancellationToken cancellationToken, string? resampling = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(grid);
        RasterLimits.CheckWindow(_options, grid.Width, grid.Height);
        GdalRuntime.EnsureAvailable();
        var plan = Plan(layout, grid);
        if (plan.Aligned)
        {
            var copy = await ReadRegionAsync(layout, key, store, plan.Level, plan.X, plan.Y, grid.Width, grid.Height, cancellationToken);
            ZeroMasked(copy, layout);
            return copy;
        }

        if (plan.Width <= 0 || plan.Height <= 0)
        {
            return new PixelBlock(grid.Width, grid.Height, layout.BandCount, layout.DataType, layout.MaskBandCount);
        }

        RasterLimits.CheckWindow(_options, plan.Width, plan.Height);
        var source = await ReadRegionAsync(layout, key, store, plan.Level, plan.X, plan.Y, plan.Width, plan.Height, cancellationToken);
        var result = Warp(layout, source, layout.LevelTransform(plan.Level).Offset(plan.X, plan.Y), grid, resampling);
        ZeroMasked(result, layout);
        return result;
    }

    /// <summary>
    /// Reads the target grid straight from a GDAL-readable source (a COG read in place) described by
    /// <paramref name="layout"/>: the same level choice and resampling as <see cref="ReadAsync"/>, with the source's
    /// overviews standing in for pyramid levels (GDAL picks the overview matching each level's size).
    /// </summary>
    public Task<PixelBlock> ReadSourceAsync(string sourcePath, TilesetLayout layout, TargetGrid grid, CancellationToken cancellationToken, string? resampling = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(grid);
        RasterLimits.CheckWindow(_options, grid.Width, grid.Height);
        GdalRuntime.EnsureAvailable();

        // GDAL's reads block (over HTTP, for a remote source): keep them off the caller's thread.
        return Task.Run(() => ReadSource(sourcePath, layout, grid, resampling), cancellationToken);
    }

    private PixelBlock ReadSource(string sourcePath, TilesetLayout layout, TargetGrid grid, string? resampling)
    {
        var plan = Plan(layout, grid);
        if (!plan.Aligned && (plan.Width <= 0 || plan.Height <= 0))
        {
            return new PixelBlock(grid.Width, grid.Height, layout.BandCount, layout.DataType, layout.MaskBandCount);
        }

        RasterLimits.CheckWindow(_options, plan.Width, plan.Height);
        using var dataset = GdalDataset.Open(sourcePath);
        if (dataset.BandCount != layout.BandCount || dataset.Width != layout.Width || dataset.Height != layout.Height)
        {
            throw new InvalidOperationException($"'{GdalDataset.DisplayPath(sourcePath)}' no longer matches its tileset layout.");
        }

        var window = ReadSourceRegion(dataset, layout, plan.Level, plan.X, plan.Y, plan.Width, plan.Height);
        var result = plan.Aligned ? window : Warp(layout, window, layout.LevelTransform(plan.Level).Offset(plan.X, plan.Y), grid, resampling);
        ZeroMasked(result, layout);
        return result;
    }

    /// <summary>A window of one level read from the source (zero and masked outside it), as <see cref="ReadRegionAsync"/> reads tiles.</summary>
    private static PixelBlock ReadSourceRegion(GdalDataset dataset, TilesetLayout layout, int level, int x0, int y0, int width, int height)
    {
        var region = new PixelBlock(width, height, layout.BandCount, layout.DataType, layout.MaskBandCount);
        var (left, top) = (Math.Max(0, x0), Math.Max(0, y0));
        var (right, bottom) = (Math.Min(layout.LevelWidth(level), x0 + width), Math.Min(layout.LevelHeight(level), y0 + height));
        if (left >= right || top >= bottom)
        {
            return region;
        }

        var scale = 1 << level;
        var (sx, sy) = (left * scale, top * scale);
        var (sw, sh) = (Math.Min(right * scale, layout.Width) - sx, Math.Min(bottom * scale, layout.Height) - sy);
        var (bw, bh) = (right - left, bottom - top);
        var size = layout.DataType.SizeInBytes();
        var buffer = new byte[(long)bw * bh * size];
        for (var b = 0; b < layout.BandCount; b++)
        {
            dataset.BandRead(dataset.Band(b + 1), sx, sy, sw, sh, buffer, bw, bh, layout.DataType);
            for (var y = 0; y < bh; y++)
            {
                buffer.AsSpan(y * bw * size, bw * size).CopyTo(region.BandBytes(b)[((((y + top - y0) * width) + (left - x0)) * size)..]);
            }
        }

        for (var m = 0; m < layout.MaskBandCount; m++)
        {
            var band = dataset.Band(m + 1);
            var all = GdalApi.GDALGetMaskFlags(band) == GdalApi.GmfAllValid;
            if (!all)
            {
                dataset.BandRead(GdalApi.GDALGetMaskBand(band), sx, sy, sw, sh, buffer, bw, bh, RasterDataType.Byte);
            }

            for (var y = 0; y < bh; y++)
            {
                var target = region.MaskBand(m).Slice(((y + top - y0) * width) + (left - x0), bw);
                if (all)
                {
                    target.Fill(255);
                }
                else
                {
                    buffer.AsSpan(y * bw, bw).CopyTo(target);
                }
            }
        }

        RasterTiler.MaskNaN(region, layout);
        return region;
    }

    /// <summary>Which level a grid reads from, and whether it is a pixel-for-pixel copy of that level.</summary>
    public static (int Level, bool Aligned) ChooseLevel(TilesetLayout layout, TargetGrid grid)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(grid);
        var plan = Plan(layout, grid);
        return (plan.Level, plan.Aligned);
    }

    /// <summary>Pixels of a rectangle of one level, from the tiles; outside the image or a missing tile is masked.</summary>
    internal static async Task<PixelBlock> ReadRegionAsync(TilesetLayout layout, TilesetKey key, ITileStore store, int level, int x0, int y0, int width, int height, CancellationToken ct)
    {
        var region = new PixelBlock(width, height, layout.BandCount, layout.DataType, layout.MaskBandCount);
        var size = layout.DataType.SizeInBytes();
        var t = layout.TileSize;
        var (levelWidth, levelHeight) = (layout.LevelWidth(level), layout.LevelHeight(level));
        var (left, top) = (Math.Max(0, x0), Math.Max(0, y0));
        var (right, bottom) = (Math.Min(levelWidth, x0 + width), Math.Min(levelHeight, y0 + height));
        if (left >= right || top >= bottom)
        {
            return region;
        }

        // The tiles are fetched a few at a time (each is a round trip to the store), then copied in order.
        var addresses = new List<(int Row, int Column)>();
        for (var row = top / t; row <= (bottom - 1) / t; row++)
        {
            for (var column = left / t; column <= (right - 1) / t; column++)
            {
                addresses.Add((row, column));
            }
        }

        var fetched = new byte[]?[addresses.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, addresses.Count),
            new ParallelOptions { MaxDegreeOfParallelism = TileFetchConcurrency, CancellationToken = ct },
            async (i, token) => fetched[i] = await store.ReadAsync(key.Tile(level, addresses[i].Row, addresses[i].Column), token));
        for (var i = 0; i < addresses.Count; i++)
        {
            if (fetched[i] is not { } bytes)
            {
                continue;
            }

            var (row, column) = addresses[i];
            var tile = TileCodec.Decode(bytes, layout.DataType, layout.BandCount, layout.MaskBandCount);
            var (tx, ty, tw, th) = layout.TileBounds(level, row, column);
            var (cx0, cy0) = (Math.Max(tx, left), Math.Max(ty, top));
            var (cx1, cy1) = (Math.Min(tx + tw, right), Math.Min(ty + th, bottom));
            for (var y = cy0; y < cy1; y++)
            {
                for (var b = 0; b < layout.BandCount; b++)
                {
                    tile.BandBytes(b).Slice(((y - ty) * tw + (cx0 - tx)) * size, (cx1 - cx0) * size)
                        .CopyTo(region.BandBytes(b)[(((y - y0) * width + (cx0 - x0)) * size)..]);
                }

                for (var m = 0; m < layout.MaskBandCount; m++)
                {
                    tile.MaskBand(m).Slice((y - ty) * tw + (cx0 - tx), cx1 - cx0)
                        .CopyTo(region.MaskBand(m)[((y - y0) * width + (cx0 - x0))..]);
                }
            }
        }

        return region;
    }

    /// <summary>Tile reads in flight at once for one region.</summary>
    private const int TileFetchConcurrency = 8;

    private readonly record struct ReadPlan(int Level, bool Aligned, int X, int Y, int Width, int Height);

    private static ReadPlan Plan(TilesetLayout layout, TargetGrid grid)
    {
        using var tilesetSrs = layout.CrsWkt is null ? null : SpatialReference.FromUserInput(layout.CrsWkt);
        using var gridSrs = grid.Crs is null ? null : SpatialReference.FromUserInput(grid.Crs);
        var sameCrs = gridSrs is null || (tilesetSrs is not null && tilesetSrs.IsSame(gridSrs));
        if (!sameCrs && tilesetSrs is null)
        {
            throw new ArgumentException("The tileset has no CRS, so it can only be read in its own grid (leave the CRS empty).", nameof(grid));
        }

        // Target pixel footprint (area) in tileset units, at the grid's centre.
        var g = grid.Transform;
        var (cx, cy) = (grid.Width / 2.0, grid.Height / 2.0);
        var points = new[] { g.Apply(cx, cy), g.Apply(cx + 1, cy), g.Apply(cx, cy + 1) };
        if (!sameCrs)
        {
            points = Transform(gridSrs!, tilesetSrs!, points);
        }

        // Per axis: the level's pixel edge along columns (rows) must not exceed the target's along columns (rows).
        var targetColumnEdge = Distance(points[0], points[1]);
        var targetRowEdge = Distance(points[0], points[2]);
        var t0 = layout.Transform;
        var columnEdge = Math.Sqrt(t0.PixelWidth * t0.PixelWidth + t0.ColumnRotation * t0.ColumnRotation);
        var rowEdge = Math.Sqrt(t0.RowRotation * t0.RowRotation + t0.PixelHeight * t0.PixelHeight);
        var level = 0;
        while (level + 1 < layout.LevelCount
            && columnEdge * Math.Pow(2, level + 1) <= targetColumnEdge * (1 + 1e-9)
            && rowEdge * Math.Pow(2, level + 1) <= targetRowEdge * (1 + 1e-9))
        {
            level++;
        }

        var lt = layout.LevelTransform(level);
        if (sameCrs && Close(lt.PixelWidth, g.PixelWidth) && Close(lt.PixelHeight, g.PixelHeight)
            && Close(lt.RowRotation, g.RowRotation) && Close(lt.ColumnRotation, g.ColumnRotation))
        {
            var (col, row) = lt.Invert(g.OriginX, g.OriginY);
            if (Math.Abs(col - Math.Round(col)) < 1e-6 && Math.Abs(row - Math.Round(row)) < 1e-6)
            {
                return new ReadPlan(level, true, (int)Math.Round(col), (int)Math.Round(row), grid.Width, grid.Height);
            }
        }

        // The source window: the target outline (sampled along its edges) in level pixels, plus a margin for the kernel.
        var outline = new List<(double X, double Y)>();
        const int steps = 20;
        for (var i = 0; i <= steps; i++)
        {
            var f = i / (double)steps;
            outline.Add(g.Apply(f * grid.Width, 0));
            outline.Add(g.Apply(f * grid.Width, grid.Height));
            outline.Add(g.Apply(0, f * grid.Height));
            outline.Add(g.Apply(grid.Width, f * grid.Height));
        }

        var projected = sameCrs ? outline.ToArray() : Transform(gridSrs!, tilesetSrs!, outline.ToArray());
        var pixels = projected.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => lt.Invert(p.X, p.Y)).ToList();
        if (pixels.Count == 0)
        {
            return new ReadPlan(level, false, 0, 0, 0, 0);
        }

        const int margin = 2;
        var x0 = Math.Max(0, (int)Math.Floor(pixels.Min(p => p.Column)) - margin);
        var y0 = Math.Max(0, (int)Math.Floor(pixels.Min(p => p.Row)) - margin);
        var x1 = Math.Min(layout.LevelWidth(level), (int)Math.Ceiling(pixels.Max(p => p.Column)) + margin);
        var y1 = Math.Min(layout.LevelHeight(level), (int)Math.Ceiling(pixels.Max(p => p.Row)) + margin);
        return new ReadPlan(level, false, x0, y0, x1 - x0, y1 - y0);
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(Math.Abs(a), Math.Abs(b)) + 1e-12;

    private static (double X, double Y)[] Transform(SpatialReference from, SpatialReference to, (double X, double Y)[] points) =>
        CoordinateTransform.Apply(from, to, points, "Transforming between the grid's and the tileset's CRS");

    /// <summary>Warps one group of bands per (mask, policy): data bands plus their mask as alpha.</summary>
    private static PixelBlock Warp(TilesetLayout layout, PixelBlock source, GeoTransform sourceTransform, TargetGrid grid, string? resampling)
    {
        var result = new PixelBlock(grid.Width, grid.Height, layout.BandCount, layout.DataType, layout.MaskBandCount);
        string? gridWkt = null;
        if (grid.Crs is not null)
        {
            using var srs = SpatialReference.FromUserInput(grid.Crs);
            gridWkt = srs.ToWkt();
        }

        var groups = Enumerable.Range(0, layout.BandCount)
            .GroupBy(b => (Mask: layout.MaskPerBand ? b : 0, layout.Bands[b].Policy))
            .ToList();
        var maskDone = new HashSet<int>();
        foreach (var group in groups)
        {
            var bands = group.ToArray();
            using var src = MemDataset(source.Width, source.Height, layout.DataType, bands.Length, sourceTransform, layout.CrsWkt);
            using var dst = MemDataset(grid.Width, grid.Height, layout.DataType, bands.Length, grid.Transform, gridWkt ?? layout.CrsWkt);
            for (var i = 0; i < bands.Length; i++)
            {
                src.BandIO(src.Band(i + 1), true, 0, 0, source.Width, source.Height, source.BandBytes(bands[i]), layout.DataType);
            }

            src.BandIO(src.Band(bands.Length + 1), true, 0, 0, source.Width, source.Height, source.MaskBand(group.Key.Mask), RasterDataType.Byte);
            RunWarp(src, dst, resampling ?? ResamplingMethod(group.Key.Policy));
            for (var i = 0; i < bands.Length; i++)
            {
                dst.BandIO(dst.Band(i + 1), false, 0, 0, grid.Width, grid.Height, result.BandBytes(bands[i]), layout.DataType);
            }

            if (maskDone.Add(group.Key.Mask))
            {
                dst.BandIO(dst.Band(bands.Length + 1), false, 0, 0, grid.Width, grid.Height, result.MaskBand(group.Key.Mask), RasterDataType.Byte);
            }
        }

        return result;
    }

    private static GdalDataset MemDataset(int width, int height, RasterDataType type, int dataBands, GeoTransform transform, string? wkt)
    {
        var dataset = GdalDataset.Create("MEM", string.Empty, width, height, 0, type);
        try
        {
            for (var i = 0; i < dataBands; i++)
            {
                GdalErrors.Check(GdalApi.GDALAddBand(dataset.Raw, (int)type, IntPtr.Zero), "Adding a band");
            }

            GdalErrors.Check(GdalApi.GDALAddBand(dataset.Raw, (int)RasterDataType.Byte, IntPtr.Zero), "Adding the alpha band");
            _ = GdalApi.GDALSetRasterColorInterpretation(dataset.Band(dataBands + 1), 6);
            dataset.SetGeoTransform(transform);
            dataset.SetProjection(wkt);
            return dataset;
        }
        catch
        {
            dataset.Dispose();
            throw;
        }
    }

    private static unsafe void RunWarp(GdalDataset source, GdalDataset target, string method)
    {
        using var argv = new CslList(
        [
            "-r", method, "-srcalpha", "-dstalpha",
            "-wo", "SRC_ALPHA_MAX=255", "-wo", "DST_ALPHA_MAX=255", "-wo", "INIT_DEST=0",
        ]);
        GdalErrors.Reset();
        var options = GdalApi.GDALWarpAppOptionsNew(argv.Pointer, IntPtr.Zero);
        if (options == IntPtr.Zero)
        {
            throw GdalErrors.Capture("Preparing the warp");
        }

        try
        {
            var sourceHandle = source.Raw;
            var result = GdalApi.GDALWarp(null, target.Raw, 1, &sourceHandle, options, out var usageError);
            if (result == IntPtr.Zero || usageError != 0)
            {
                throw GdalErrors.Capture(string.Create(CultureInfo.InvariantCulture, $"Warping with {method}"));
            }

            GdalErrors.ThrowIfFailed($"Warping with {method}");
        }
        finally
        {
            GdalApi.GDALWarpAppOptionsFree(options);
        }
    }

    private static void ZeroMasked(PixelBlock block, TilesetLayout layout)
    {
        var size = layout.DataType.SizeInBytes();
        for (var b = 0; b < layout.BandCount; b++)
        {
            var mask = block.MaskBand(layout.MaskPerBand ? b : 0);
            var data = block.BandBytes(b);
            for (var i = 0; i < mask.Length; i++)
            {
                if (mask[i] == 0)
                {
                    data.Slice(i * size, size).Clear();
                }
            }
        }
    }
}
