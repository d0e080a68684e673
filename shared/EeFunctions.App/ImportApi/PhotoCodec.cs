using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// ImageSharp as the Import API uses it: the format sniffed from the bytes (JPEG, PNG, WebP, GIF, TIFF), the size read
/// from the header and checked against <see cref="ImportApiOptions.MaxPixels"/> before anything is decoded, the first
/// frame only of an animation, and a bounded allocator; EXIF orientation applied to thumbnails.
/// </summary>
public sealed class PhotoCodec : IDisposable
{
    private static readonly IImageFormat[] s_allowed = [JpegFormat.Instance, PngFormat.Instance, WebpFormat.Instance, GifFormat.Instance, TiffFormat.Instance];
    private readonly Configuration _configuration;
    private readonly long _maxPixels;
    private readonly int _maxFrames;
    private readonly SemaphoreSlim _decodes = new(Environment.ProcessorCount);

    public PhotoCodec(IOptions<ImportApiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxPixels = options.Value.MaxPixels;
        _maxFrames = options.Value.MaxFrames;
        _configuration = Configuration.Default.Clone();

        // Photos are decoded one per core side by side (_decodes); splitting each one's rows over the cores as well
        // only adds hand-offs.
        _configuration.MaxDegreeOfParallelism = 1;

        // The pixel limit bounds a decoded frame (4 bytes a pixel); one buffer beyond it is refused, not allocated.
        _configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            AllocationLimitMegabytes = (int)Math.Min(int.MaxValue, (_maxPixels * 4 / (1024 * 1024)) + 64),
        });
        _configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = SixLabors.ImageSharp.Metadata.FrameDecodingMode.First });
        _configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = SixLabors.ImageSharp.Metadata.FrameDecodingMode.First });
    }

    public void Dispose() => _decodes.Dispose();

    /// <summary>Reads what a photo is from its header; throws <see cref="PhotoRejectedException"/> when it is not one this API takes.</summary>
    public async Task<PhotoFacts> IdentifyAsync(string path, string etag, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        IImageFormat? format;
        IImageInfo? info;
        try
        {
            await using var stream = File.OpenRead(path);
            format = await Image.DetectFormatAsync(_configuration, stream, cancellationToken);
            if (format is null || !s_allowed.Contains(format))
            {
                throw new PhotoRejectedException("The file is not a JPEG, PNG, WebP, GIF or TIFF image (its content was checked, not its name).");
            }

            stream.Position = 0;
            info = await Image.IdentifyAsync(_configuration, stream, cancellationToken);
        }
        catch (Exception ex) when (ex is ImageFormatException or InvalidImageContentException or UnknownImageFormatException or NotSupportedException or EndOfStreamException)
        {
            throw new PhotoRejectedException($"The image cannot be read: {ex.Message}");
        }

        if (info is null || info.Width <= 0 || info.Height <= 0)
        {
            throw new PhotoRejectedException("The image cannot be read: its header has no size.");
        }

        var pixels = (long)info.Width * info.Height;
        if (pixels > _maxPixels)
        {
            throw new PhotoRejectedException($"The image is {info.Width}×{info.Height} ({pixels} pixels); the limit is {_maxPixels} pixels.");
        }

        if (format == JpegFormat.Instance && !await JpegEndCheck.IsCompleteAsync(path, cancellationToken))
        {
            throw new PhotoRejectedException("The JPEG is truncated: its image data ends before the end-of-image marker.");
        }

        if (format == GifFormat.Instance)
        {
            await CheckFramesAsync(path, info.Width, info.Height, cancellationToken);
        }

        var exif = info.Metadata.ExifProfile;
        var orientation = Orientation(exif);
        var (rotation, mirrored) = orientation switch
        {
            2 => (0, true),
            3 => (180, false),
            4 => (180, true),
            5 => (90, true),
            6 => (90, false),
            7 => (270, true),
            8 => (270, false),
            _ => (0, false),
        };
        var turned = rotation is 90 or 270;
        return new PhotoFacts(
            format.Name.ToLowerInvariant(),
            format.DefaultMimeType,
            length,
            info.Width,
            info.Height,
            turned ? info.Height : info.Width,
            turned ? info.Width : info.Height,
            rotation,
            mirrored,
            Exifs(exif).ToJsonString(),
            Gps(exif)?.ToJsonString(),
            etag);
    }

    /// <summary>
    /// Decodes the photo once (the first frame), scales it to <paramref name="longSide"/> on its long side (never
    /// enlarged), turns it upright by its EXIF orientation (after scaling, since turning a 12 MP frame costs more than
    /// decoding it) and encodes it as the thumbnails are encoded into <paramref name="output"/>: the working copy, which
    /// is the largest thumbnail as served and what each smaller one is scaled from, so no thumbnail decodes the original
    /// again. Decodes run at most one per core at a time, since each holds the whole frame.
    /// </summary>
    public async Task<WorkingCopyFacts> PrepareAsync(string path, string format, int longSide, Stream output, CancellationToken cancellationToken)
    {
        // A JPEG has no alpha: three bytes a pixel. Anything else may, so it is read with alpha and checked.
        var opaqueFormat = string.Equals(format, JpegFormat.Instance.Name, StringComparison.OrdinalIgnoreCase);
        await _decodes.WaitAsync(cancellationToken);
        try
        {
            Image image;
            try
            {
                image = opaqueFormat ? await Image.LoadAsync<Rgb24>(_configuration, path, cancellationToken) : await Image.LoadAsync<Rgba32>(_configuration, path, cancellationToken);
            }
            catch (Exception ex) when (ex is ImageFormatException or InvalidImageContentException or UnknownImageFormatException or NotSupportedException or EndOfStreamException or InvalidMemoryOperationException)
            {
                throw new PhotoRejectedException($"The image cannot be decoded: {ex.Message}");
            }

            using (image)
            {
                var transparent = image is Image<Rgba32> rgba && HasTransparency(rgba);
                if (Math.Max(image.Width, image.Height) > longSide)
                {
                    image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(longSide, longSide), Mode = ResizeMode.Max }));
                }

                image.Mutate(x => x.AutoOrient());
                image.Metadata.ExifProfile = null;
                image.Metadata.XmpProfile = null;
                return new WorkingCopyFacts(image.Width, image.Height, await EncodeThumbnailAsync(image, transparent, output, cancellationToken));
            }
        }
        finally
        {
            _decodes.Release();
        }
    }

    /// <summary>Scales a working copy <see cref="PrepareAsync"/> wrote down to a smaller thumbnail: long side <paramref name="size"/>.</summary>
    public async Task<EncodedThumbnail> ThumbnailAsync(Stream workingCopy, WorkingCopyFacts facts, int size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        using var image = facts.Transparent
            ? (Image)await Image.LoadAsync<Rgba32>(_configuration, workingCopy, cancellationToken)
            : await Image.LoadAsync<Rgb24>(_configuration, workingCopy, cancellationToken);
        if (Math.Max(image.Width, image.Height) > size)
        {
            image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(size, size), Mode = ResizeMode.Max }));
        }

        using var output = new MemoryStream();
        var contentType = await EncodeThumbnailAsync(image, facts.Transparent, output, cancellationToken);
        return new EncodedThumbnail(size, contentType, image.Width, image.Height, new BinaryData(output.GetBuffer().AsMemory(0, (int)output.Length)));
    }

    /// <summary>Encodes a thumbnail: JPEG, or WebP when the photo has transparency. Answers its content type.</summary>
    private static async Task<string> EncodeThumbnailAsync(Image image, bool transparent, Stream output, CancellationToken cancellationToken)
    {
        if (transparent)
        {
            await image.SaveAsync(output, new WebpEncoder { Quality = 80 }, cancellationToken);
            return "image/webp";
        }

        await image.SaveAsync(output, new JpegEncoder { Quality = 85 }, cancellationToken);
        return "image/jpeg";
    }

    /// <summary>
    /// Refuses an animation of more frames than <see cref="ImportApiOptions.MaxFrames"/>, or than the pixel limit holds
    /// in all (so counting them is bounded too): decoding stops one frame past the allowance.
    /// </summary>
    private async Task CheckFramesAsync(string path, int width, int height, CancellationToken cancellationToken)
    {
        var allowed = (int)Math.Clamp(_maxPixels / ((long)width * height), 1, _maxFrames);
        await using var stream = File.OpenRead(path);
        Image frames;
        try
        {
            frames = await Image.LoadAsync(_configuration, stream, new GifDecoder { MaxFrames = (uint)allowed + 1 }, cancellationToken);
        }
        catch (Exception ex) when (ex is ImageFormatException or InvalidImageContentException or NotSupportedException or EndOfStreamException or InvalidMemoryOperationException)
        {
            throw new PhotoRejectedException($"The image cannot be decoded: {ex.Message}");
        }

        using (frames)
        {
            if (frames.Frames.Count > allowed)
            {
                throw new PhotoRejectedException($"The animation has more than {allowed} frames, the most this server takes at {width}×{height}.");
            }
        }
    }

    private static bool HasTransparency(Image<Rgba32> image)
    {
        var found = false;
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height && !found; y++)
            {
                foreach (var pixel in rows.GetRowSpan(y))
                {
                    if (pixel.A != 255)
                    {
                        found = true;
                        break;
                    }
                }
            }
        });
        return found;
    }

    private static int Orientation(ExifProfile? exif) =>
        exif?.GetValue(ExifTag.Orientation) is { } value ? value.Value : 1;

    /// <summary>The EXIF tags with readable values (numbers, text, rationals), by tag name; binary blobs are left out.</summary>
    private static JsonObject Exifs(ExifProfile? exif)
    {
        var json = new JsonObject();
        if (exif is null)
        {
            return json;
        }

        foreach (var value in exif.Values)
        {
            var node = Readable(value.GetValue());
            if (node is not null)
            {
                json[value.Tag.ToString()] = node;
            }
        }

        return json;
    }

    private static JsonNode? Readable(object? value) => value switch
    {
        null => null,
        string s => s.Length <= 1024 ? JsonValue.Create(s.TrimEnd('\0')) : null,
        byte or sbyte or short or ushort or int or uint or long or ulong => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float or double => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        Rational r => JsonValue.Create(r.Denominator == 0 ? 0 : (double)r.Numerator / r.Denominator),
        SignedRational r => JsonValue.Create(r.Denominator == 0 ? 0 : (double)r.Numerator / r.Denominator),
        Rational[] rs when rs.Length <= 16 => new JsonArray([.. rs.Select(r => (JsonNode?)JsonValue.Create(r.Denominator == 0 ? 0 : (double)r.Numerator / r.Denominator))]),
        ushort[] us when us.Length <= 16 => new JsonArray([.. us.Select(u => (JsonNode?)JsonValue.Create((int)u))]),
        _ => null,
    };

    /// <summary>Latitude and longitude in signed decimal degrees (and altitude in metres) when the EXIF has them.</summary>
    private static JsonObject? Gps(ExifProfile? exif)
    {
        if (exif is null)
        {
            return null;
        }

        var latitude = Degrees(exif.GetValue(ExifTag.GPSLatitude)?.Value, exif.GetValue(ExifTag.GPSLatitudeRef)?.Value, "S");
        var longitude = Degrees(exif.GetValue(ExifTag.GPSLongitude)?.Value, exif.GetValue(ExifTag.GPSLongitudeRef)?.Value, "W");
        if (latitude is null || longitude is null)
        {
            return null;
        }

        var gps = new JsonObject { ["latitude"] = latitude, ["longitude"] = longitude };
        if (exif.GetValue(ExifTag.GPSAltitude)?.Value is { Denominator: > 0 } altitude)
        {
            var metres = (double)altitude.Numerator / altitude.Denominator;
            gps["altitude"] = exif.GetValue(ExifTag.GPSAltitudeRef)?.Value == 1 ? -metres : metres;
        }

        return gps;
    }

    private static double? Degrees(Rational[]? dms, string? reference, string negative)
    {
        if (dms is not { Length: 3 } || dms.Any(r => r.Denominator == 0))
        {
            return null;
        }

        var degrees = dms[0].ToDouble() + (dms[1].ToDouble() / 60) + (dms[2].ToDouble() / 3600);
        return string.Equals(reference?.Trim(), negative, StringComparison.OrdinalIgnoreCase) ? -degrees : degrees;
    }
}

/// <summary>The working copy: the largest thumbnail as served, upright, and its size and type.</summary>
public sealed record WorkingCopyFacts(int Width, int Height, string ContentType)
{
    /// <summary>Whether the photo has transparency: its thumbnails are WebP then. Derived, so never serialized.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Transparent => ContentType == "image/webp";
}

/// <summary>One encoded thumbnail: the long side asked for, its type, its size and its bytes.</summary>
public sealed record EncodedThumbnail(int Size, string ContentType, int Width, int Height, BinaryData Bytes);

/// <summary>A photo this API will not import, with the reason the import's error states.</summary>
public sealed class PhotoRejectedException : Exception
{
    public PhotoRejectedException()
    {
    }

    public PhotoRejectedException(string message)
        : base(message)
    {
    }

    public PhotoRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
