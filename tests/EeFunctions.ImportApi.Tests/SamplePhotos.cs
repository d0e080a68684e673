using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace EeFunctions.ImportApi.Tests;

/// <summary>
/// The photos the shared data lacks, made with ImageSharp: a two-colour JPEG (left red, right blue) with any EXIF
/// orientation and GPS position, a PNG with transparency, an animated GIF, and hostile files.
/// </summary>
public static class SamplePhotos
{
    public static byte[] Jpeg(int width, int height, ushort orientation = 1, (double Lat, double Lon)? gps = null)
    {
        using var image = TwoColours(width, height);
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Orientation, orientation);
        if (gps is { } position)
        {
            exif.SetValue(ExifTag.GPSLatitude, Dms(Math.Abs(position.Lat)));
            exif.SetValue(ExifTag.GPSLatitudeRef, position.Lat < 0 ? "S" : "N");
            exif.SetValue(ExifTag.GPSLongitude, Dms(Math.Abs(position.Lon)));
            exif.SetValue(ExifTag.GPSLongitudeRef, position.Lon < 0 ? "W" : "E");
        }

        image.Metadata.ExifProfile = exif;
        using var output = new MemoryStream();
        image.Save(output, new JpegEncoder { Quality = 95 });
        return output.ToArray();
    }

    public static byte[] Png(int width, int height, bool transparent = false)
    {
        using var image = TwoColours(width, height);
        if (transparent)
        {
            image.Mutate(x => x.Opacity(0.5f));
        }

        using var output = new MemoryStream();
        image.Save(output, new PngEncoder());
        return output.ToArray();
    }

    public static byte[] AnimatedGif(int width, int height, int frames)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(255, 0, 0));
        for (var i = 1; i < frames; i++)
        {
            using var frame = new Image<Rgba32>(width, height, new Rgba32((byte)(i % 256), 0, 0));
            image.Frames.AddFrame(frame.Frames.RootFrame);
        }

        using var output = new MemoryStream();
        image.Save(output, new GifEncoder());
        return output.ToArray();
    }

    /// <summary>A valid PNG header that claims <paramref name="width"/>×<paramref name="height"/> pixels, in a few hundred bytes.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        var png = Png(8, 8);
        var bytes = (byte[])png.Clone();

        // IHDR's width and height sit at bytes 16-23; its CRC (29-32) is rewritten to match.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
        return bytes;
    }

    public static byte[] Truncated(byte[] photo) => photo[..(photo.Length / 3)];

    public static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    private static Image<Rgba32> TwoColours(int width, int height)
    {
        var image = new Image<Rgba32>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = x < width / 2 ? new Rgba32(255, 0, 0) : new Rgba32(0, 0, 255);
                }
            }
        });
        return image;
    }

    /// <summary>PNG's chunk CRC (ISO 3309), for the forged header.</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static Rational[] Dms(double degrees)
    {
        var d = Math.Floor(degrees);
        var m = Math.Floor((degrees - d) * 60);
        var s = (degrees - d - (m / 60)) * 3600;
        return [new Rational((uint)d, 1), new Rational((uint)m, 1), new Rational((uint)Math.Round(s * 1000), 1000)];
    }
}
