using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace EeFunctions.App.EarthEngine.Export;

/// <summary>
/// TFRecord framing (length, masked CRC-32C of the length, data, masked CRC-32C of the data) and the tf.Example
/// protobuf of one patch: a feature per band, <c>float_list</c> for float bands, <c>int64_list</c> for integer ones.
/// </summary>
public static class TfRecordEncoding
{
    /// <summary>Appends one framed record.</summary>
    public static void AppendRecord(Stream output, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(output);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        output.Write(header);
        output.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        output.Write(footer);
    }

    /// <summary>The length of the record starting at <paramref name="offset"/> (header and footer included).</summary>
    public static int RecordLength(ReadOnlySpan<byte> records, int offset) =>
        checked((int)BinaryPrimitives.ReadUInt64LittleEndian(records[offset..]) + 16);

    /// <summary>CRC-32C (Castagnoli), as TFRecord uses it.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }

    /// <summary>TFRecord's masked CRC: rotated and offset so a CRC of CRCs is not trivially zero.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    /// <summary>A tf.Example with one feature per band: floats as a packed float_list, integers as a packed int64_list.</summary>
    public static byte[] Example(IReadOnlyList<(string Name, bool IsFloat, double[] Values)> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var map = new MemoryStream();
        foreach (var (name, isFloat, values) in features)
        {
            using var list = new MemoryStream();
            if (isFloat)
            {
                var floats = new byte[values.Length * 4];
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(floats.AsSpan(i * 4), (float)values[i]);
                }

                WriteBytesField(list, 1, floats);
            }
            else
            {
                using var packed = new MemoryStream();
                foreach (var v in values)
                {
                    WriteVarint(packed, unchecked((ulong)(long)v));
                }

                WriteBytesField(list, 1, packed.ToArray());
            }

            using var feature = new MemoryStream();
            WriteBytesField(feature, isFloat ? 2 : 3, list.ToArray());
            using var entry = new MemoryStream();
            WriteBytesField(entry, 1, Encoding.UTF8.GetBytes(name));
            WriteBytesField(entry, 2, feature.ToArray());
            WriteBytesField(map, 1, entry.ToArray());
        }

        using var example = new MemoryStream();
        WriteBytesField(example, 1, map.ToArray());
        return example.ToArray();
    }

    private static void WriteBytesField(Stream output, int field, ReadOnlySpan<byte> bytes)
    {
        WriteVarint(output, (ulong)((field << 3) | 2));
        WriteVarint(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }
}
