using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>getPixels against the source, with gdal-bin as the oracle.</summary>
internal static class PixelAssert
{
    public static async Task<string> GetPixelsAsync(HttpClient client, string assetName, JsonObject? body = null)
    {
        var (status, json, response) = await EeApi.PostAsync(client, $"/v1/{assetName}:getPixels", body ?? new JsonObject { ["fileFormat"] = "GEO_TIFF" });
        using (response)
        {
            Assert.True(status == HttpStatusCode.OK, $"getPixels {assetName}: {status} {json}");
            var path = Path.Combine(Path.GetTempPath(), "eepix-" + Guid.NewGuid().ToString("N") + ".tif");
            await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
            return path;
        }
    }

    /// <summary>Every valid source pixel equals the output; masked source pixels are 0 in the output.</summary>
    public static void SameValidPixels(string source, string output, int bandCount)
    {
        for (var b = 1; b <= bandCount; b++)
        {
            var band = b.ToString(CultureInfo.InvariantCulture);
            var expected = GdalTool.Read(source, band);
            var mask = GdalTool.Read(source, "mask," + band);
            var actual = GdalTool.Read(output, band);
            Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
            for (var i = 0; i < expected.Values.Length; i++)
            {
                var want = mask.Values[i] == 0 ? 0 : expected.Values[i];
                if (!(want == actual.Values[i] || (double.IsNaN(want) && double.IsNaN(actual.Values[i]))))
                {
                    Assert.Fail($"{Path.GetFileName(source)} band {b} pixel ({i % expected.Width}, {i / expected.Width}): expected {want} (mask {mask.Values[i]}), got {actual.Values[i]}.");
                }
            }
        }
    }
}
