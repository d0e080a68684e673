using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;

namespace EeFunctions.App.EarthEngine.Export;

/// <summary>The framed tf.Example records of a chunk's patches, row by row, and how many were kept.</summary>
public sealed record StagedRecords(byte[] Records, int Patches);

/// <summary>
/// Cuts a chunk's computed window into patches (margins included) and encodes each as a tf.Example record: masked
/// pixels hold the default value; a patch more masked than maxMaskedRatio is dropped.
/// </summary>
public static class TfRecordPatches
{
    public static async Task<StagedRecords> EncodeAsync(EeImage image, TargetGrid grid, RasterDataType type, TfRecordLayout layout, ExportChunk chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(chunk);
        var session = new ComputeSession(grid, cancellationToken);
        var bands = new List<BandPixels>();
        foreach (var band in image.Bands)
        {
            bands.Add(await session.PixelsAsync(band));
        }

        var target = PixelType.Of(type);
        var isFloat = !type.IsInteger();
        var (w, h) = (layout.PatchWidth + 2 * layout.MarginX, layout.PatchHeight + 2 * layout.MarginY);
        using var output = new MemoryStream();
        var kept = 0;
        for (var row = 0; row < chunk.PatchRowCount; row++)
        {
            for (var column = 0; column < layout.PatchesPerRow; column++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (x0, y0) = (column * layout.PatchWidth, row * layout.PatchHeight);
                var features = new List<(string, bool, double[])>();
                long masked = 0;
                for (var b = 0; b < bands.Count; b++)
                {
                    var values = new double[w * h];
                    var pixels = bands[b];
                    for (var y = 0; y < h; y++)
                    {
                        var offset = (y0 + y) * grid.Width + x0;
                        for (var x = 0; x < w; x++)
                        {
                            var i = offset + x;
                            if (pixels.Mask[i] == 0)
                            {
                                values[y * w + x] = layout.DefaultValue;
                                masked++;
                            }
                            else
                            {
                                values[y * w + x] = BandMath.Cast(pixels.Values[i], target);
                            }
                        }
                    }

                    features.Add((image.Bands[b].Name, isFloat, values));
                }

                if (masked > layout.MaxMaskedRatio * w * h * bands.Count)
                {
                    continue;
                }

                TfRecordEncoding.AppendRecord(output, TfRecordEncoding.Example(features));
                kept++;
            }
        }

        return new StagedRecords(output.ToArray(), kept);
    }
}
