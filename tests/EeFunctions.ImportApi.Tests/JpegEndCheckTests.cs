using EeFunctions.App.ImportApi;

namespace EeFunctions.ImportApi.Tests;

/// <summary>The end-of-image check streams the file; a marker split across two reads still counts.</summary>
public sealed class JpegEndCheckTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "jpeg-end-" + Guid.NewGuid().ToString("N") + ".jpg");

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData(10, true)]
    [InlineData(65_535, true)]
    [InlineData(65_536, true)]
    [InlineData(200_000, true)]
    public async Task The_end_marker_is_found_wherever_it_falls_in_the_scan_data(int dataBytes, bool complete)
    {
        await File.WriteAllBytesAsync(_path, Jpeg(new byte[dataBytes], withEnd: true));
        Assert.Equal(complete, await JpegEndCheck.IsCompleteAsync(_path, CancellationToken.None));
    }

    [Fact]
    public async Task A_file_cut_inside_its_scan_or_its_headers_is_incomplete()
    {
        var whole = Jpeg(new byte[100_000], withEnd: true);
        await File.WriteAllBytesAsync(_path, whole[..^2]);
        Assert.False(await JpegEndCheck.IsCompleteAsync(_path, CancellationToken.None));

        await File.WriteAllBytesAsync(_path, whole[..30]);
        Assert.False(await JpegEndCheck.IsCompleteAsync(_path, CancellationToken.None));
    }

    [Fact]
    public async Task An_end_marker_inside_an_app_segment_does_not_count()
    {
        // An embedded EXIF thumbnail ends with FF D9 of its own, before the scan.
        await File.WriteAllBytesAsync(_path, Jpeg(new byte[1000], withEnd: false, appPayload: [0xFF, 0xD8, 0x00, 0xFF, 0xD9]));
        Assert.False(await JpegEndCheck.IsCompleteAsync(_path, CancellationToken.None));
        Assert.True(await JpegEndCheck.IsCompleteAsync(Write(Jpeg(new byte[1000], withEnd: true, appPayload: [0xFF, 0xD9])), CancellationToken.None));
    }

    private string Write(byte[] bytes)
    {
        File.WriteAllBytes(_path, bytes);
        return _path;
    }

    /// <summary>SOI, one APP1 segment, an SOS header, <paramref name="scan"/> as entropy-coded data, then EOI if asked.</summary>
    private static byte[] Jpeg(byte[] scan, bool withEnd, byte[]? appPayload = null)
    {
        var app = appPayload ?? [0x45, 0x78, 0x69, 0x66];
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE1, (byte)((app.Length + 2) >> 8), (byte)(app.Length + 2) };
        bytes.AddRange(app);
        bytes.AddRange([0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        bytes.AddRange(scan);
        if (withEnd)
        {
            bytes.AddRange([0xFF, 0xD9]);
        }

        return [.. bytes];
    }
}
