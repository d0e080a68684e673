using EeFunctions.Raster.Tiles;

namespace EeFunctions.Raster.Tests;

/// <summary>
/// Every pyramiding policy against a straightforward whole-image computation written here from the rules in
/// ARCHITECTURE §3, independent of the tile/quadrant code: level k+1 pixel (x, y) looks at level-k pixels
/// (2x..2x+1, 2y..2y+1); pixels outside the image count as masked.
/// </summary>
[Collection(GdalCollectionDefinition.Name)]
public sealed class PyramidTests
{
    public static TheoryData<PyramidingPolicy, RasterDataType> Cases()
    {
        var data = new TheoryData<PyramidingPolicy, RasterDataType>();
        foreach (var policy in Enum.GetValues<PyramidingPolicy>())
        {
            data.Add(policy, RasterDataType.Int16);
            data.Add(policy, RasterDataType.Float32);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_level_matches_an_independent_computation(PyramidingPolicy policy, RasterDataType type)
    {
        using var temp = new TempDirectory();
        // Few distinct values (ties for MODE, even splits for MEDIAN), negatives (rounding away from zero),
        // scattered no-data (masked children), and an odd size (edges outside the image).
        var random = new Random(42);
        var noise = Enumerable.Range(0, 2 * 331 * 277).Select(_ => random.Next(-7, 8)).ToArray();
        var path = TestRasters.Create(
            temp.Path, "src.tif", 331, 277, 2, type,
            (b, x, y) => noise[(b * 277 + y) * 331 + x] == 7 ? 99 : noise[(b * 277 + y) * 331 + x] * (type == RasterDataType.Float32 ? 0.5 : 1),
            noData: 99);
        var (layout, store) = await TilingTests.TileAsync(path, new RasterOptions { TileSize = 32 }, [policy, policy]);
        Assert.Equal(5, layout.LevelCount);

        var level0 = TilingTests.Assemble(layout, store, 0);
        var values = Enumerable.Range(0, 2).Select(b => Enumerable.Range(0, level0.PixelCount).Select(i => TestRasters.Value(level0, b, i)).ToArray()).ToArray();
        var masks = Enumerable.Range(0, 2).Select(b => level0.MaskBand(b).ToArray().Select(m => (int)m).ToArray()).ToArray();
        Assert.Contains(0, masks[0]);
        var (width, height) = (layout.Width, layout.Height);
        for (var level = 1; level < layout.LevelCount; level++)
        {
            var (pw, ph) = ((width + 1) / 2, (height + 1) / 2);
            var actual = TilingTests.Assemble(layout, store, level);
            for (var b = 0; b < 2; b++)
            {
                var (expectedValues, expectedMask) = Expected(values[b], masks[b], width, height, policy, type.IsInteger());
                for (var i = 0; i < pw * ph; i++)
                {
                    var where = $"{policy} {type} level {level} band {b} pixel ({i % pw},{i / pw})";
                    Assert.True(expectedMask[i] == actual.MaskBand(b)[i], $"{where}: mask {actual.MaskBand(b)[i]}, expected {expectedMask[i]}");
                    var got = TestRasters.Value(actual, b, i);
                    Assert.True(Math.Abs(got - expectedValues[i]) <= 1e-5 * Math.Max(1, Math.Abs(expectedValues[i])), $"{where}: value {got}, expected {expectedValues[i]}");
                }

                // The next level is computed from the stored values (as a reader would see them).
                values[b] = Enumerable.Range(0, pw * ph).Select(i => TestRasters.Value(actual, b, i)).ToArray();
                masks[b] = actual.MaskBand(b).ToArray().Select(m => (int)m).ToArray();
            }

            (width, height) = (pw, ph);
        }
    }

    [Fact]
    public async Task Fractional_masks_weight_the_mean()
    {
        // Alpha gives fractional level-0 masks; the RGBA file's shared alpha mask is per band in the layout.
        var (layout, store) = await TilingTests.TileAsync(EeFunctions.Testing.TestData.Raster("alpha.tif"), new RasterOptions { TileSize = 256 });
        var level0 = TilingTests.Assemble(layout, store, 0);
        var level1 = TilingTests.Assemble(layout, store, 1);
        var mask0 = level0.MaskBand(0).ToArray().Select(m => (int)m).ToArray();
        var band0 = Enumerable.Range(0, level0.PixelCount).Select(i => TestRasters.Value(level0, 0, i)).ToArray();
        var (expected, expectedMask) = Expected(band0, mask0, level0.Width, level0.Height, PyramidingPolicy.Mean, true);
        Assert.Equal(expectedMask, level1.MaskBand(0).ToArray().Select(m => (int)m).ToArray());
        Assert.Equal(expected, Enumerable.Range(0, level1.PixelCount).Select(i => TestRasters.Value(level1, 0, i)).ToArray());
        Assert.Contains(expectedMask, m => m is > 0 and < 255);
    }

    [Fact]
    public async Task Building_the_pyramid_from_stored_tiles_equals_the_streamed_pyramid()
    {
        var path = EeFunctions.Testing.TestData.Raster("RGB.byte.tif");
        var options = new RasterOptions { TileSize = 64 };
        var (layout, streamed) = await TilingTests.TileAsync(path, options);
        var tiler = new RasterTiler(options);
        var key = new TilesetKey("proj", "asset", 4, "ts0");
        var fromStore = new MemoryTileStore();
        await tiler.TileAsync(path, layout, key, fromStore, buildPyramid: false, CancellationToken.None);
        Assert.Equal(layout.Rows(0) * layout.Columns(0), fromStore.Count);
        await tiler.BuildPyramidAsync(layout, key, fromStore, CancellationToken.None);
        Assert.Equal(layout.TileCount, fromStore.Count);
        for (var level = 1; level < layout.LevelCount; level++)
        {
            var a = TilingTests.Assemble(layout, streamed, level);
            var b = TilingTests.Assemble(layout, fromStore, level, key);
            Assert.True(a.Data.SequenceEqual(b.Data), $"level {level} values differ");
            Assert.True(a.Mask.SequenceEqual(b.Mask), $"level {level} masks differ");
        }
    }

    [Fact]
    public async Task Fan_out_in_row_batches_and_single_parents_equals_the_streamed_pyramid()
    {
        var path = EeFunctions.Testing.TestData.Raster("RGBA.uint16.tif");
        var options = new RasterOptions { TileSize = 64 };
        var (layout, streamed) = await TilingTests.TileAsync(path, options);
        var tiler = new RasterTiler(options);
        var key = new TilesetKey("proj", "asset", 5, "ts0");
        var store = new MemoryTileStore();
        for (var first = 0; first < layout.Rows(0); first += 3)
        {
            await tiler.TileRowsAsync(path, layout, key, store, first, 3, CancellationToken.None);
        }

        Assert.Equal(layout.Rows(0) * layout.Columns(0), store.Count);
        for (var level = 1; level < layout.LevelCount; level++)
        {
            for (var row = 0; row < layout.Rows(level); row++)
            {
                for (var column = 0; column < layout.Columns(level); column++)
                {
                    Assert.True(await tiler.BuildParentAsync(layout, key, store, level, row, column, CancellationToken.None) > 0);
                }
            }
        }

        Assert.Equal(layout.TileCount, store.Count);
        for (var level = 0; level < layout.LevelCount; level++)
        {
            var a = TilingTests.Assemble(layout, streamed, level);
            var b = TilingTests.Assemble(layout, store, level, key);
            Assert.True(a.Data.SequenceEqual(b.Data) && a.Mask.SequenceEqual(b.Mask), $"level {level} differs");
        }

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => tiler.BuildParentAsync(layout, key, store, 0, 0, 0, CancellationToken.None));
    }

    [Theory]
    [InlineData(new double[] { 1, 2, 3, 4 }, new[] { 255, 255, 255, 255 }, PyramidingPolicy.Median, 2.5)]
    [InlineData(new double[] { 4, 1, 3, 9 }, new[] { 255, 255, 255, 0 }, PyramidingPolicy.Median, 3)]
    [InlineData(new double[] { 5, 5, 2, 2 }, new[] { 255, 255, 255, 255 }, PyramidingPolicy.Mode, 2)]
    [InlineData(new double[] { 5, 5, 2, 7 }, new[] { 255, 255, 255, 255 }, PyramidingPolicy.Mode, 5)]
    [InlineData(new double[] { 1, 3, 0, 0 }, new[] { 255, 85, 0, 0 }, PyramidingPolicy.Mean, 1.5)]
    [InlineData(new double[] { 8, -3, 6, 1 }, new[] { 255, 255, 0, 255 }, PyramidingPolicy.Min, -3)]
    [InlineData(new double[] { 8, -3, 60, 1 }, new[] { 255, 255, 0, 255 }, PyramidingPolicy.Max, 8)]
    public void Combining_four_children_follows_earth_engines_rules(double[] values, int[] weights, PyramidingPolicy policy, double expected)
    {
        var result = PyramidKernel.Combine(values.AsSpan(), weights.AsSpan(), policy, out var any);
        Assert.True(any);
        Assert.Equal(expected, result);
    }

    [Fact]
    public void No_valid_child_gives_a_masked_zero()
    {
        var result = PyramidKernel.Combine(new double[] { 1, 2, 3, 4 }, new int[4], PyramidingPolicy.Mean, out var any);
        Assert.False(any);
        Assert.Equal(0, result);
    }

    /// <summary>The rules, pixel by pixel, with LINQ over the valid children.</summary>
    private static (double[] Values, int[] Mask) Expected(double[] values, int[] mask, int width, int height, PyramidingPolicy policy, bool integer)
    {
        var (pw, ph) = ((width + 1) / 2, (height + 1) / 2);
        var outValues = new double[pw * ph];
        var outMask = new int[pw * ph];
        for (var y = 0; y < ph; y++)
        {
            for (var x = 0; x < pw; x++)
            {
                var children = new List<(double V, int W)>();
                var maskSum = 0;
                foreach (var (cx, cy) in new[] { (2 * x, 2 * y), (2 * x + 1, 2 * y), (2 * x, 2 * y + 1), (2 * x + 1, 2 * y + 1) })
                {
                    var w = cx < width && cy < height ? mask[cy * width + cx] : 0;
                    maskSum += w;
                    if (w > 0)
                    {
                        children.Add((values[cy * width + cx], w));
                    }
                }

                var i = y * pw + x;
                if (policy == PyramidingPolicy.Sample)
                {
                    outValues[i] = values[2 * y * width + 2 * x];
                    outMask[i] = mask[2 * y * width + 2 * x];
                    continue;
                }

                outMask[i] = (int)Math.Round(maskSum / 4.0, MidpointRounding.AwayFromZero);
                if (children.Count == 0)
                {
                    outValues[i] = 0;
                    continue;
                }

                double value;
                switch (policy)
                {
                    case PyramidingPolicy.Mean:
                        value = children.Sum(c => c.V * c.W) / children.Sum(c => c.W);
                        break;
                    case PyramidingPolicy.Min:
                        value = children.Min(c => c.V);
                        break;
                    case PyramidingPolicy.Max:
                        value = children.Max(c => c.V);
                        break;
                    case PyramidingPolicy.Mode:
                        value = children.GroupBy(c => c.V).Select(g => (V: g.Key, W: g.Sum(c => c.W))).OrderByDescending(g => g.W).ThenBy(g => g.V).First().V;
                        break;
                    default:
                        // Weighted median; with equal weights: the middle value, or the mean of the two middle values.
                        var sorted = children.OrderBy(c => c.V).ToList();
                        var total = sorted.Sum(c => c.W);
                        var cumulative = 0;
                        value = sorted[^1].V;
                        for (var k = 0; k < sorted.Count; k++)
                        {
                            cumulative += sorted[k].W;
                            if (2 * cumulative == total)
                            {
                                value = (sorted[k].V + sorted[k + 1].V) / 2;
                                break;
                            }

                            if (2 * cumulative > total)
                            {
                                value = sorted[k].V;
                                break;
                            }
                        }

                        break;
                }

                outValues[i] = integer ? Math.Round(value, MidpointRounding.AwayFromZero) : (float)value;
            }
        }

        return (outValues, outMask);
    }
}
