using EeFunctions.Testing;

namespace EeFunctions.Raster.Tests;

[Collection(GdalCollectionDefinition.Name)]
public sealed class InspectTests
{
    [Fact]
    public void Small_byte_geotiff_reports_size_type_crs_block_and_file_size()
    {
        var info = RasterInspector.Inspect(TestData.Raster("byte.tif"));
        Assert.Equal((20, 20, 1), (info.Width, info.Height, info.BandCount));
        Assert.Equal(RasterDataType.Byte, info.Bands[0].DataType);
        Assert.Null(info.Bands[0].NoData);
        Assert.Equal(26711, info.EpsgCode);
        Assert.Contains("NAD27", info.CrsWkt);
        Assert.Equal((20, 20), (info.Bands[0].BlockWidth, info.Bands[0].BlockHeight));
        Assert.Equal(736, info.FileSize);
        Assert.Equal("GTiff", info.Driver);
        Assert.NotNull(info.Transform);
        Assert.Equal(60, info.Transform!.Value.PixelWidth);
    }

    [Fact]
    public void Rgb_with_nodata_reports_each_band_nodata_and_utm_epsg()
    {
        var info = RasterInspector.Inspect(TestData.Raster("RGB.byte.tif"));
        Assert.Equal((791, 718, 3), (info.Width, info.Height, info.BandCount));
        Assert.All(info.Bands, b => Assert.Equal(0, b.NoData));
        Assert.Equal(32618, info.EpsgCode);
        Assert.False(info.IsCloudOptimized);
    }

    [Theory]
    [InlineData("RGBA.uint16.tif", RasterDataType.UInt16, "DEFLATE")]
    [InlineData("float.tif", RasterDataType.Float64, null)]
    [InlineData("float32.tif", RasterDataType.Float32, null)]
    [InlineData("rgb_lzw.tif", RasterDataType.Byte, "LZW")]
    [InlineData("rotated.tif", RasterDataType.Byte, "PACKBITS")]
    [InlineData("alpha.tif", RasterDataType.Byte, "JPEG")]
    public void Data_type_and_compression_are_reported(string file, RasterDataType type, string? compression)
    {
        var info = RasterInspector.Inspect(TestData.Raster(file));
        Assert.All(info.Bands, b => Assert.Equal(type, b.DataType));
        Assert.Equal(compression, info.Compression);
    }

    [Fact]
    public void Nan_nodata_is_reported_as_nan()
    {
        var info = RasterInspector.Inspect(TestData.Raster("float_nan.tif"));
        Assert.True(double.IsNaN(info.Bands[0].NoData!.Value));
        Assert.Null(info.CrsWkt);
        Assert.Null(info.EpsgCode);
    }

    [Fact]
    public void Custom_crs_has_wkt()
    {
        var info = RasterInspector.Inspect(TestData.Raster("float_raster_with_nodata.tif"));
        Assert.NotNull(info.CrsWkt);
        Assert.Equal(-3.4e+38, info.Bands[0].NoData!.Value, 1e33);
    }

    [Fact]
    public void Rotated_transform_is_reported_with_its_rotation_terms()
    {
        var info = RasterInspector.Inspect(TestData.Raster("rotated.tif"));
        var gt = info.Transform!.Value;
        Assert.True(gt.IsRotated);
        Assert.Equal(17.32050807568877, gt.PixelWidth, 1e-9);
        Assert.Equal(-8.660254037844387, gt.PixelHeight, 1e-9);
    }

    [Fact]
    public void Cog_is_recognised_with_its_overviews()
    {
        var info = RasterInspector.Inspect(TestData.Raster("cogeo.tif"));
        Assert.True(info.IsCloudOptimized, info.CloudOptimizedProblem);
        Assert.Equal(6, info.Bands[0].OverviewCount);
        Assert.Equal((512, 512), (info.Bands[0].BlockWidth, info.Bands[0].BlockHeight));
        Assert.Equal(3857, info.EpsgCode);
    }

    [Theory]
    [InlineData("shade.tif")]
    [InlineData("world.byte.tif")]
    [InlineData("RGB.byte.tif")]
    public void Tiled_or_stripped_files_without_overviews_are_not_cogs(string file)
    {
        var info = RasterInspector.Inspect(TestData.Raster(file));
        Assert.False(info.IsCloudOptimized);
        Assert.NotNull(info.CloudOptimizedProblem);
    }

    [Fact]
    public void Geographic_crs_reports_epsg_4326()
    {
        var info = RasterInspector.Inspect(TestData.Raster("world.byte.tif"));
        Assert.Equal(4326, info.EpsgCode);
        Assert.Equal((256, 256), (info.Bands[0].BlockWidth, info.Bands[0].BlockHeight));
    }

    [Fact]
    public void Plain_jpeg_is_inspected_without_crs()
    {
        var info = RasterInspector.Inspect(TestData.Raster("389225main_sw_1965_1024.jpg"));
        Assert.Equal("JPEG", info.Driver);
        Assert.Equal((1024, 768, 3), (info.Width, info.Height, info.BandCount));
        Assert.Null(info.CrsWkt);
        Assert.Null(info.Transform);
        Assert.False(info.IsCloudOptimized);
    }

    [Fact]
    public void A_blob_given_as_a_stream_inspects_like_the_file()
    {
        var path = TestData.Raster("RGBA.uint16.tif");
        using var stream = File.OpenRead(path);
        var fromStream = RasterInspector.Inspect(stream);
        var fromFile = RasterInspector.Inspect(path);
        Assert.Equal(fromFile.Width, fromStream.Width);
        Assert.Equal(fromFile.EpsgCode, fromStream.EpsgCode);
        Assert.Equal(fromFile.FileSize, fromStream.FileSize);
        Assert.Equal(fromFile.Bands.Select(b => b.DataType), fromStream.Bands.Select(b => b.DataType));
    }

    [Fact]
    public void A_vsimem_path_is_inspected_like_a_file()
    {
        var path = EeFunctions.Raster.Gdal.VsiMem.WriteBytes(File.ReadAllBytes(TestData.Raster("world.byte.tif")), ".tif");
        try
        {
            var info = RasterInspector.Inspect(path);
            Assert.Equal((2880, 1200), (info.Width, info.Height));
            Assert.Equal(54885, info.FileSize);
            Assert.Equal("LZW", info.Compression);
        }
        finally
        {
            EeFunctions.Raster.Gdal.VsiMem.Delete(path);
        }
    }
}
