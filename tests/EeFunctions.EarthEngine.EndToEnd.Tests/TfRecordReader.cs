using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>
/// An independent TFRecord reader for the tests: checks every record's framing CRC-32Cs (bitwise, not the service's
/// code) and decodes each tf.Example into feature name → values (float_list or int64_list).
/// </summary>
internal static class TfRecordReader
{
    public static List<Dictionary<string, double[]>> Read(byte[] file, bool gzip)
    {
        if (gzip)
        {
            using var input = new GZipStream(new MemoryStream(file), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            input.CopyTo(plain);
            file = plain.ToArray();
        }

        var examples = new List<Dictionary<string, double[]>>();
        for (var offset = 0; offset < file.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(offset));
            Assert.Equal(Masked(file.AsSpan(offset, 8)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 8)));
            var data = file.AsSpan(offset + 12, length);
            Assert.Equal(Masked(data), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 12 + length)));
            examples.Add(Example(data.ToArray()));
            offset += length + 16;
        }

        return examples;
    }

    private static uint Masked(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        crc = ~crc;
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    private static Dictionary<string, double[]> Example(byte[] example)
    {
        var features = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (_, map) in Fields(example))
        {
            foreach (var (_, entry) in Fields(map))
            {
                string? name = null;
                double[]? values = null;
                foreach (var (field, value) in Fields(entry))
                {
                    if (field == 1)
                    {
                        name = Encoding.UTF8.GetString(value);
                    }
                    else
                    {
                        var (kind, list) = Fields(value).Single();
                        var packed = Fields(list).Single().Value;
                        values = kind == 2
                            ? [.. Enumerable.Range(0, packed.Length / 4).Select(i => (double)BinaryPrimitives.ReadSingleLittleEndian(packed.AsSpan(i * 4)))]
                            : [.. Varints(packed).Select(v => (double)v)];
                    }
                }

                features[name!] = values!;
            }
        }

        return features;
    }

    /// <summary>The length-delimited fields of a protobuf message (the only wire type tf.Example uses here).</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        var i = 0;
        while (i < message.Length)
        {
            var tag = (int)Varint(message, ref i);
            Assert.Equal(2, tag & 7);
            var length = (int)Varint(message, ref i);
            fields.Add((tag >> 3, message[i..(i + length)]));
            i += length;
        }

        return fields;
    }

    private static IEnumerable<long> Varints(byte[] packed)
    {
        var i = 0;
        while (i < packed.Length)
        {
            yield return (long)Varint(packed, ref i);
        }
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
