using System.Text;
using EeFunctions.App.EarthEngine.Export;

namespace EeFunctions.App.Tests;

/// <summary>TFRecord's checksums against their published check values.</summary>
public sealed class TfRecordEncodingTests
{
    [Fact]
    public void Crc32C_of_the_standard_check_string_is_the_published_value() =>
        Assert.Equal(0xE3069283u, TfRecordEncoding.Crc32C(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void A_framed_record_is_length_crc_data_crc()
    {
        using var output = new MemoryStream();
        TfRecordEncoding.AppendRecord(output, [1, 2, 3]);
        var bytes = output.ToArray();
        Assert.Equal(8 + 4 + 3 + 4, bytes.Length);
        Assert.Equal(3UL, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(19, TfRecordEncoding.RecordLength(bytes, 0));
        Assert.Equal(TfRecordEncoding.MaskedCrc(new byte[] { 1, 2, 3 }), BitConverter.ToUInt32(bytes, 15));
    }
}
