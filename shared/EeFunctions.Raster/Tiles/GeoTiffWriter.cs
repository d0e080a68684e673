using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster.Tiles;

/// <summary>
/// Writes tile GeoTIFFs in managed code: classic little-endian TIFF, one strip per band (planar), DEFLATE (zlib,
/// level 6 = the default level, no predictor) or uncompressed. The CRS keys are GDAL's own: GDAL encodes a 1×1
/// GeoTIFF with the tileset's CRS once, and its GeoKey tags are copied into every tile, so tiles carry exactly
/// the georeferencing GDAL would write, without paying GDAL's per-file CRS conversion (≈7 ms a tile) or its
/// block cache. Thread-safe; no GDAL call per tile.
/// </summary>
internal static class GeoTiffWriter
{
    private const ushort TypeAscii = 2;
    private const ushort TypeShort = 3;
    private const ushort TypeLong = 4;
    private const ushort TypeDouble = 12;

    private static readonly ConcurrentDictionary<string, GeoKeys> s_keys = new(StringComparer.Ordinal);

    public static byte[] Write(PixelBlock block, GeoTransform transform, string? crsWkt, bool deflate)
    {
        var (buffer, length) = WritePooled(block, transform, crsWkt, deflate);
        try
        {
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the tile into a buffer rented from <see cref="ArrayPool{T}.Shared"/>; the caller returns it.</summary>
    public static (byte[] Buffer, int Length) WritePooled(PixelBlock block, GeoTransform transform, string? crsWkt, bool deflate)
    {
        var keys = s_keys.GetOrAdd(crsWkt ?? string.Empty, static wkt => GeoKeys.FromGdal(wkt.Length == 0 ? null : wkt));
        var samples = block.BandCount + block.MaskCount;
        var size = block.DataType.SizeInBytes();
        var planeBytes = block.PixelCount * size;
        var tags = Tags(block, transform, keys, samples, size, deflate);

        // Layout: header, IFD, out-of-line values (word aligned), then the strips, one per band.
        var ifdSize = 2 + tags.Count * 12 + 4;
        var extra = tags.Where(t => t.Payload.Length > 4).Sum(t => (t.Payload.Length + 1) & ~1);
        var dataStart = 8 + ifdSize + extra;
        var raw = (long)planeBytes * samples;
        var capacity = checked((int)(dataStart + raw + raw / 64 + 1024L * samples));
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        var converted = ArrayPool<byte>.Shared.Rent(planeBytes);
        try
        {
            var offsets = new uint[samples];
            var counts = new uint[samples];
            using (var strips = new MemoryStream(buffer, dataStart, capacity - dataStart, writable: true))
            {
                for (var s = 0; s < samples; s++)
                {
                    ReadOnlySpan<byte> plane;
                    if (s < block.BandCount)
                    {
                        plane = block.BandBytes(s);
                    }
                    else
                    {
                        ConvertMask(block.MaskBand(s - block.BandCount), block.DataType, converted.AsSpan(0, planeBytes));
                        plane = converted.AsSpan(0, planeBytes);
                    }

                    var before = strips.Position;
                    if (deflate)
                    {
                        using var zlib = new ZLibStream(strips, new ZLibCompressionOptions { CompressionLevel = 6 }, leaveOpen: true);
                        zlib.Write(plane);
                    }
                    else
                    {
                        strips.Write(plane);
                    }

                    offsets[s] = checked((uint)(dataStart + before));
                    counts[s] = checked((uint)(strips.Position - before));
                }

                var total = checked((int)(dataStart + strips.Position));
                Fill(tags.First(t => t.Id == 273), offsets);
                Fill(tags.First(t => t.Id == 279), counts);
                WriteHeader(buffer, tags, ifdSize);
                return (buffer, total);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(converted);
        }
    }

    private static List<Tag> Tags(PixelBlock block, GeoTransform transform, GeoKeys keys, int samples, int size, bool deflate)
    {
        var sampleFormat = block.DataType switch
        {
            RasterDataType.Int16 or RasterDataType.Int32 => (ushort)2,
            RasterDataType.Float32 or RasterDataType.Float64 => (ushort)3,
            _ => (ushort)1,
        };
        var tags = new List<Tag>
        {
            Tag.Longs(256, (uint)block.Width),
            Tag.Longs(257, (uint)block.Height),
            Tag.Shorts(258, Repeat((ushort)(size * 8), samples)),
            Tag.Shorts(259, deflate ? (ushort)8 : (ushort)1),
            Tag.Shorts(262, 1),
            Tag.Longs(273, new uint[samples]),
            Tag.Shorts(277, (ushort)samples),
            Tag.Longs(278, (uint)block.Height),
            Tag.Longs(279, new uint[samples]),
            Tag.Shorts(284, samples > 1 ? (ushort)2 : (ushort)1),
        };
        if (samples > 1)
        {
            tags.Add(Tag.Shorts(338, new ushort[samples - 1]));
        }

        tags.Add(Tag.Shorts(339, Repeat(sampleFormat, samples)));
        if (!transform.IsRotated && transform.PixelHeight < 0)
        {
            tags.Add(Tag.Doubles(33550, transform.PixelWidth, -transform.PixelHeight, 0));
            tags.Add(Tag.Doubles(33922, 0, 0, 0, transform.OriginX, transform.OriginY, 0));
        }
        else
        {
            tags.Add(Tag.Doubles(
                34264,
                transform.PixelWidth, transform.RowRotation, 0, transform.OriginX,
                transform.ColumnRotation, transform.PixelHeight, 0, transform.OriginY,
                0, 0, 0, 0,
                0, 0, 0, 1));
        }

        if (keys.Directory.Length > 0)
        {
            tags.Add(Tag.Shorts(34735, keys.Directory));
            if (keys.Doubles.Length > 0)
            {
                tags.Add(Tag.Doubles(34736, keys.Doubles));
            }

            if (keys.Ascii.Length > 0)
            {
                tags.Add(new Tag(34737, TypeAscii, (uint)keys.Ascii.Length, keys.Ascii));
            }
        }

        var metadata = new StringBuilder("<GDALMetadata>\n");
        for (var m = 0; m < block.MaskCount; m++)
        {
            var name = block.MaskCount == 1 ? "mask" : $"mask_{m + 1}";
            metadata.Append($"  <Item name=\"DESCRIPTION\" sample=\"{block.BandCount + m}\" role=\"description\">{name}</Item>\n");
        }

        metadata.Append("</GDALMetadata>");
        var xml = Encoding.ASCII.GetBytes(metadata.ToString() + "\0");
        tags.Add(new Tag(42112, TypeAscii, (uint)xml.Length, xml));
        return tags;
    }

    private static void Fill(Tag tag, uint[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(tag.Payload.AsSpan(i * 4), values[i]);
        }
    }

    private static void WriteHeader(Span<byte> span, List<Tag> tags, int ifdSize)
    {
        "II"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)tags.Count);
        var entry = 10;
        var valueOffset = 8 + ifdSize;
        foreach (var tag in tags)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[entry..], tag.Id);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(entry + 2)..], tag.Type);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(entry + 4)..], tag.Count);
            if (tag.Payload.Length <= 4)
            {
                span.Slice(entry + 8, 4).Clear();
                tag.Payload.CopyTo(span[(entry + 8)..]);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[(entry + 8)..], (uint)valueOffset);
                tag.Payload.CopyTo(span[valueOffset..]);
                if ((tag.Payload.Length & 1) == 1)
                {
                    span[valueOffset + tag.Payload.Length] = 0;
                }

                valueOffset += (tag.Payload.Length + 1) & ~1;
            }

            entry += 12;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[entry..], 0);
    }

    private static void ConvertMask(ReadOnlySpan<byte> mask, RasterDataType type, Span<byte> target)
    {
        switch (type)
        {
            case RasterDataType.Byte: mask.CopyTo(target); break;
            case RasterDataType.UInt16: Widen(mask, MemoryMarshal.Cast<byte, ushort>(target), static b => b); break;
            case RasterDataType.Int16: Widen(mask, MemoryMarshal.Cast<byte, short>(target), static b => b); break;
            case RasterDataType.UInt32: Widen(mask, MemoryMarshal.Cast<byte, uint>(target), static b => b); break;
            case RasterDataType.Int32: Widen(mask, MemoryMarshal.Cast<byte, int>(target), static b => b); break;
            case RasterDataType.Float32: Widen(mask, MemoryMarshal.Cast<byte, float>(target), static b => b); break;
            case RasterDataType.Float64: Widen(mask, MemoryMarshal.Cast<byte, double>(target), static b => b); break;
            default: throw new NotSupportedException($"Pixel type {type} is not supported.");
        }
    }

    private static void Widen<T>(ReadOnlySpan<byte> source, Span<T> target, Func<byte, T> convert)
    {
        for (var i = 0; i < source.Length; i++)
        {
            target[i] = convert(source[i]);
        }
    }

    private static ushort[] Repeat(ushort value, int count) => Enumerable.Repeat(value, count).ToArray();

    private readonly record struct Tag(ushort Id, ushort Type, uint Count, byte[] Payload)
    {
        public static Tag Shorts(ushort id, params ushort[] values)
        {
            var payload = new byte[Math.Max(4, values.Length * 2)];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(i * 2), values[i]);
            }

            return new Tag(id, TypeShort, (uint)values.Length, values.Length * 2 > 4 ? payload[..(values.Length * 2)] : payload);
        }

        public static Tag Longs(ushort id, params uint[] values)
        {
            var payload = new byte[Math.Max(4, values.Length * 4)];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(i * 4), values[i]);
            }

            return new Tag(id, TypeLong, (uint)values.Length, payload);
        }

        public static Tag Doubles(ushort id, params double[] values)
        {
            var payload = new byte[values.Length * 8];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(i * 8), values[i]);
            }

            return new Tag(id, TypeDouble, (uint)values.Length, payload);
        }
    }

    /// <summary>The GeoKey tags GDAL writes for a CRS, taken from a 1×1 GeoTIFF GDAL encodes once.</summary>
    private sealed record GeoKeys(ushort[] Directory, double[] Doubles, byte[] Ascii)
    {
        public static GeoKeys FromGdal(string? wkt)
        {
            var path = VsiMem.NewPath(".tif");
            byte[] bytes;
            try
            {
                using (var dataset = GdalDataset.Create("GTiff", path, 1, 1, 1, RasterDataType.Byte))
                {
                    dataset.SetGeoTransform(new GeoTransform(0, 1, 0, 0, 0, -1));
                    dataset.SetProjection(wkt);
                    dataset.Close();
                }

                bytes = VsiMem.TakeBytes(path);
            }
            catch
            {
                VsiMem.Delete(path);
                throw;
            }

            return Parse(bytes);
        }

        private static GeoKeys Parse(byte[] tiff)
        {
            var span = tiff.AsSpan();
            if (span.Length < 8 || span[0] != (byte)'I' || span[1] != (byte)'I' || BinaryPrimitives.ReadUInt16LittleEndian(span[2..]) != 42)
            {
                throw new GdalException("GDAL's GeoTIFF template is not a little-endian classic TIFF.");
            }

            var ifd = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
            var count = BinaryPrimitives.ReadUInt16LittleEndian(span[ifd..]);
            ushort[] directory = [];
            double[] doubles = [];
            byte[] ascii = [];
            for (var i = 0; i < count; i++)
            {
                var e = span.Slice(ifd + 2 + i * 12, 12);
                var id = BinaryPrimitives.ReadUInt16LittleEndian(e);
                var n = (int)BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
                switch (id)
                {
                    case 34735:
                        var raw = Value(span, e, n, 2);
                        directory = new ushort[n];
                        for (var k = 0; k < n; k++)
                        {
                            directory[k] = BinaryPrimitives.ReadUInt16LittleEndian(raw[(k * 2)..]);
                        }

                        break;
                    case 34736:
                        var rawDoubles = Value(span, e, n, 8);
                        doubles = new double[n];
                        for (var k = 0; k < n; k++)
                        {
                            doubles[k] = BinaryPrimitives.ReadDoubleLittleEndian(rawDoubles[(k * 8)..]);
                        }

                        break;
                    case 34737:
                        ascii = Value(span, e, n, 1).ToArray();
                        break;
                }
            }

            return new GeoKeys(directory, doubles, ascii);
        }

        private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> file, ReadOnlySpan<byte> entry, int count, int unit) =>
            count * unit <= 4 ? entry.Slice(8, count * unit) : file.Slice((int)BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]), count * unit);
    }
}
