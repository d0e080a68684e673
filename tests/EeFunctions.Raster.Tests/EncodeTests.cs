using System.Buffers.Binary;
using System.Text;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;
using EeFunctions.Testing;

namespace EeFunctions.Raster.Tests;

[Collection(GdalCollectionDefinition.Name)]
public sealed class EncodeTests
{
    private static readonly TilesetKey s_key = new("proj", "asset", 3, "ts0");

    [Fact]
    public async Task GeoTiff_output_carries_the_grid_crs_and_the_requested_nodata()
    {
        var (block, grid, names) = await ReadRgbAsync();
        var bytes = RasterEncoder.Encode(block, grid, names, new EncodeOptions { Format = RasterFormat.GeoTiff, NoData = 7 });
        using var stream = new MemoryStream(bytes);
        var info = RasterInspector.Inspect(stream);
        Assert.Equal((grid.Width, grid.Height, 3), (info.Width, info.Height, info.BandCount));
        Assert.Equal(32618, info.EpsgCode);
        Assert.All(info.Bands, b => Assert.Equal(7, b.NoData));
        Assert.Equal(grid.Transform.OriginX, info.Transform!.Value.OriginX, 1e-6);
        var path = Path.Combine(Path.GetTempPath(), $"eef-enc-{Guid.NewGuid():N}.tif");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            var band = TestRasters.ReadBand(path, 1);
            for (var i = 0; i < block.PixelCount; i++)
            {
                Assert.Equal(block.MaskBand(0)[i] == 0 ? 7 : block.Band<byte>(0)[i], band[i]);
            }

            Assert.Contains(7.0, band);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Cog_output_is_a_valid_cog()
    {
        var (layout, store) = await TilingTests.TileAsync(TestData.Raster("RGB.byte.tif"), new RasterOptions());
        var grid = new TargetGrid(layout.CrsWkt, layout.Transform, layout.Width, layout.Height);
        var block = await new RasterReader(new RasterOptions()).ReadAsync(layout, s_key, store, grid, CancellationToken.None);
        var bytes = RasterEncoder.Encode(block, grid, ["R", "G", "B"], new EncodeOptions { Format = RasterFormat.CloudOptimizedGeoTiff });
        using var stream = new MemoryStream(bytes);
        var info = RasterInspector.Inspect(stream);
        Assert.True(info.IsCloudOptimized, info.CloudOptimizedProblem);
        Assert.True(info.Bands[0].OverviewCount > 0);
    }

    [Theory]
    [InlineData(RasterFormat.Png, "PNG")]
    [InlineData(RasterFormat.Jpeg, "JPEG")]
    public async Task Byte_bands_pass_through_to_png_and_jpeg(RasterFormat format, string driver)
    {
        var (block, grid, names) = await ReadRgbAsync();
        var bytes = RasterEncoder.Encode(block, grid, names, new EncodeOptions { Format = format });
        using var stream = new MemoryStream(bytes);
        var info = RasterInspector.Inspect(stream);
        Assert.Equal(driver, info.Driver);
        Assert.Equal((grid.Width, grid.Height, format == RasterFormat.Png ? 4 : 3), (info.Width, info.Height, info.BandCount));
        if (format == RasterFormat.Png)
        {
            var path = Path.Combine(Path.GetTempPath(), $"eef-enc-{Guid.NewGuid():N}.png");
            await File.WriteAllBytesAsync(path, bytes);
            try
            {
                var green = TestRasters.ReadBand(path, 2);
                Assert.Equal(Enumerable.Range(0, block.PixelCount).Select(i => (double)block.Band<byte>(1)[i]), green);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public async Task Non_byte_bands_need_ranges_for_png()
    {
        var path = TestData.Raster("RGBA.uint16.tif");
        var (layout, store) = await TilingTests.TileAsync(path, new RasterOptions());
        var grid = new TargetGrid(null, layout.Transform, 40, 30);
        var block = await new RasterReader(new RasterOptions()).ReadAsync(layout, s_key, store, grid, CancellationToken.None);
        var ex = Assert.Throws<ArgumentException>(() => RasterEncoder.Encode(block, grid, ["a", "b", "c", "d"], new EncodeOptions { Format = RasterFormat.Png }));
        Assert.Contains("1 or 3 bands", ex.Message);

        var three = Take(block, 3);
        ex = Assert.Throws<ArgumentException>(() => RasterEncoder.Encode(three, grid, ["a", "b", "c"], new EncodeOptions { Format = RasterFormat.Jpeg }));
        Assert.Contains("UInt16 bands need a min/max range", ex.Message);

        var png = RasterEncoder.Encode(three, grid, ["a", "b", "c"], new EncodeOptions { Format = RasterFormat.Png, Ranges = [(0, 65535), (0, 65535), (0, 65535)] });
        using var stream = new MemoryStream(png);
        Assert.Equal("PNG", RasterInspector.Inspect(stream).Driver);
    }

    [Fact]
    public async Task Npy_is_a_structured_array_with_one_named_field_per_band()
    {
        var (block, grid, names) = await ReadRgbAsync();
        var bytes = RasterEncoder.Encode(block, grid, names, new EncodeOptions { Format = RasterFormat.Npy });
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }, bytes[..6]);
        Assert.Equal((1, 0), (bytes[6], bytes[7]));
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith($"{{'descr': [('red', '|u1'), ('green', '|u1'), ('blue', '|u1')], 'fortran_order': False, 'shape': ({grid.Height}, {grid.Width}), }}", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(10 + headerLength + block.PixelCount * 3, bytes.Length);
        var data = bytes.AsSpan(10 + headerLength);
        var i = 17 * grid.Width + 23;
        Assert.Equal((block.Band<byte>(0)[i], block.Band<byte>(1)[i], block.Band<byte>(2)[i]), (data[i * 3], data[i * 3 + 1], data[i * 3 + 2]));
    }

    [Fact]
    public async Task Npy_of_int16_uses_little_endian_fields_and_nodata_for_masked_pixels()
    {
        using var temp = new TempDirectory();
        var path = TestRasters.Create(temp.Path, "i16.tif", 40, 30, 2, RasterDataType.Int16, (b, x, y) => x == y ? -5 : x * 100 - y - b, noData: -5);
        var (layout, store) = await TilingTests.TileAsync(path, new RasterOptions());
        var grid = new TargetGrid(null, layout.Transform, 40, 30);
        var block = await new RasterReader(new RasterOptions()).ReadAsync(layout, s_key, store, grid, CancellationToken.None);
        var bytes = RasterEncoder.Encode(block, grid, ["B1", "B2"], new EncodeOptions { Format = RasterFormat.Npy, NoData = -9999 });
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Contains("('B1', '<i2'), ('B2', '<i2')", Encoding.ASCII.GetString(bytes, 10, headerLength));
        var data = bytes.AsSpan(10 + headerLength);
        var at = (3 * 40 + 7) * 4;
        Assert.Equal(7 * 100 - 3, BinaryPrimitives.ReadInt16LittleEndian(data[at..]));
        Assert.Equal(7 * 100 - 3 - 1, BinaryPrimitives.ReadInt16LittleEndian(data[(at + 2)..]));
        var diagonal = (5 * 40 + 5) * 4;
        Assert.Equal(-9999, BinaryPrimitives.ReadInt16LittleEndian(data[diagonal..]));
    }

    private static async Task<(PixelBlock Block, TargetGrid Grid, string[] Names)> ReadRgbAsync()
    {
        var (layout, store) = await TilingTests.TileAsync(TestData.Raster("RGB.byte.tif"), new RasterOptions());
        var grid = new TargetGrid(layout.CrsWkt, layout.Transform.Offset(30, 40), 120, 90);
        var block = await new RasterReader(new RasterOptions()).ReadAsync(layout, s_key, store, grid, CancellationToken.None);
        return (block, grid, ["red", "green", "blue"]);
    }

    private static PixelBlock Take(PixelBlock block, int bands)
    {
        var result = new PixelBlock(block.Width, block.Height, bands, block.DataType, Math.Min(block.MaskCount, bands));
        block.Data[..result.Data.Length].CopyTo(result.Data);
        block.Mask[..result.Mask.Length].CopyTo(result.Mask);
        return result;
    }
}
