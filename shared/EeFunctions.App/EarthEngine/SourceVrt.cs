using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.Raster;

namespace EeFunctions.App.EarthEngine;

/// <summary>
/// A GDAL VRT over a tileset's sources when the files alone are not the tileset: several sources mosaicked (placed by
/// their geotransforms, uncovered pixels masked), or no-data values from the manifest instead of the files' own. The
/// template names source <c>i</c> as <c>{{SOURCE:i}}</c>, so any worker can fill in its local copies.
/// </summary>
public static class SourceVrt
{
    /// <summary>The VRT template, or null when the single source can be read directly.</summary>
    /// <param name="noData">Per band: null keeps the file's no-data, empty means none, else the value (invariant text).</param>
    /// <param name="force">Write a VRT even for one source without overrides (e.g. its transform comes from the manifest).</param>
    /// <param name="bandCount">How many bands of the sources the VRT exposes (fewer when the last is a mask band).</param>
    /// <param name="masks">Per exposed band: the mask band as (source placeholder index, 1-based band), or null; a negative index means that band of every source, each where it lies.</param>
    /// <param name="maskOnly">Sources appended after the image's sources, used only as mask bands.</param>
    /// <param name="coverageOnly">A mosaic's mask is only where sources lie, not their own masks (their no-data is not to be read).</param>
    public static string? Template(IReadOnlyList<(string Uri, RasterInfo Info)> sources, IReadOnlyList<string?> noData, string? crs, bool force = false,
        int? bandCount = null, IReadOnlyList<(int Source, int Band)?>? masks = null, int maskOnly = 0, bool coverageOnly = false)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(noData);
        var all = sources;
        sources = [.. sources.Take(sources.Count - maskOnly)];
        if (!force && sources.Count == 1 && noData.All(n => n is null) && bandCount is null && masks is null)
        {
            return null;
        }

        var first = sources[0].Info;
        var t0 = first.Transform ?? GeoTransform.Identity;
        var offsets = new List<(long X, long Y)>();
        foreach (var (uri, info) in sources)
        {
            var t = info.Transform ?? GeoTransform.Identity;
            if (t.IsRotated || t0.IsRotated)
            {
                if (sources.Count > 1)
                {
                    throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{uri}' is rotated; only north-up sources can be mosaicked.");
                }
            }

            if (Math.Abs(t.PixelWidth - t0.PixelWidth) > 1e-9 * Math.Abs(t0.PixelWidth) || Math.Abs(t.PixelHeight - t0.PixelHeight) > 1e-9 * Math.Abs(t0.PixelHeight))
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{uri}' does not match source '{sources[0].Uri}': its pixel size {t.PixelWidth}x{t.PixelHeight} differs from {t0.PixelWidth}x{t0.PixelHeight}.");
            }

            var dx = (t.OriginX - t0.OriginX) / t0.PixelWidth;
            var dy = (t.OriginY - t0.OriginY) / t0.PixelHeight;
            if (Math.Abs(dx - Math.Round(dx)) > 1e-6 || Math.Abs(dy - Math.Round(dy)) > 1e-6)
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{uri}' does not match source '{sources[0].Uri}': its offset is not a whole number of pixels.");
            }

            offsets.Add(((long)Math.Round(dx), (long)Math.Round(dy)));
        }

        var minX = offsets.Min(o => o.X);
        var minY = offsets.Min(o => o.Y);
        var width = sources.Select((s, i) => offsets[i].X - minX + s.Info.Width).Max();
        var height = sources.Select((s, i) => offsets[i].Y - minY + s.Info.Height).Max();
        if (width > int.MaxValue || height > int.MaxValue)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, "The sources of the tileset span more pixels than an image may have.");
        }

        var origin = t0.Offset(minX, minY);
        var ci = CultureInfo.InvariantCulture;
        var xml = new StringBuilder();
        xml.Append(ci, $"<VRTDataset rasterXSize=\"{width}\" rasterYSize=\"{height}\">\n");
        var srs = crs ?? first.CrsWkt;
        if (srs is not null)
        {
            xml.Append(ci, $"  <SRS>{SecurityElement.Escape(srs)}</SRS>\n");
        }

        xml.Append(ci, $"  <GeoTransform>{origin.OriginX:R}, {origin.PixelWidth:R}, {origin.RowRotation:R}, {origin.OriginY:R}, {origin.ColumnRotation:R}, {origin.PixelHeight:R}</GeoTransform>\n");
        var anyOverride = noData.Any(n => n is not null);
        for (var b = 0; b < (bandCount ?? first.BandCount); b++)
        {
            var value = noData[b] ?? (first.Bands[b].NoData is { } own ? own.ToString("R", ci) : null);
            xml.Append(ci, $"  <VRTRasterBand dataType=\"{first.Bands[b].DataTypeName}\" band=\"{b + 1}\">\n");
            if (value is { Length: > 0 })
            {
                xml.Append(ci, $"    <NoDataValue>{value}</NoDataValue>\n");
            }

            for (var s = 0; s < sources.Count; s++)
            {
                xml.Append(ci, $"    <SimpleSource><SourceFilename relativeToVRT=\"0\">{{{{SOURCE:{s}}}}}</SourceFilename><SourceBand>{b + 1}</SourceBand>");
                xml.Append(ci, $"<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{sources[s].Info.Width}\" ySize=\"{sources[s].Info.Height}\"/>");
                xml.Append(ci, $"<DstRect xOff=\"{offsets[s].X - minX}\" yOff=\"{offsets[s].Y - minY}\" xSize=\"{sources[s].Info.Width}\" ySize=\"{sources[s].Info.Height}\"/></SimpleSource>\n");
            }

            if (masks?[b] is { Source: < 0 } everySource)
            {
                // A mosaic whose files carry their mask as the last band: each file's mask where it lies, 0 where none does.
                xml.Append("    <MaskBand><VRTRasterBand dataType=\"Byte\">");
                for (var s = 0; s < sources.Count; s++)
                {
                    xml.Append(ci, $"<SimpleSource><SourceFilename relativeToVRT=\"0\">{{{{SOURCE:{s}}}}}</SourceFilename><SourceBand>{everySource.Band}</SourceBand>");
                    xml.Append(ci, $"<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{sources[s].Info.Width}\" ySize=\"{sources[s].Info.Height}\"/>");
                    xml.Append(ci, $"<DstRect xOff=\"{offsets[s].X - minX}\" yOff=\"{offsets[s].Y - minY}\" xSize=\"{sources[s].Info.Width}\" ySize=\"{sources[s].Info.Height}\"/></SimpleSource>");
                }

                xml.Append("</VRTRasterBand></MaskBand>\n");
            }
            else if (masks?[b] is { } mask)
            {
                var info = all[mask.Source].Info;
                var offset = mask.Source < sources.Count ? offsets[mask.Source] : (X: minX, Y: minY);
                xml.Append("    <MaskBand><VRTRasterBand dataType=\"Byte\">");
                xml.Append(ci, $"<SimpleSource><SourceFilename relativeToVRT=\"0\">{{{{SOURCE:{mask.Source}}}}}</SourceFilename><SourceBand>{mask.Band}</SourceBand>");
                xml.Append(ci, $"<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{info.Width}\" ySize=\"{info.Height}\"/>");
                xml.Append(ci, $"<DstRect xOff=\"{offset.X - minX}\" yOff=\"{offset.Y - minY}\" xSize=\"{info.Width}\" ySize=\"{info.Height}\"/></SimpleSource></VRTRasterBand></MaskBand>\n");
            }

            xml.Append("  </VRTRasterBand>\n");
        }

        // A mosaic without no-data values: the sources' masks (and 0 where no source covers) become the dataset mask.
        if (!anyOverride && masks is null && sources.Count > 1 && first.Bands.All(b => b.NoData is null))
        {
            xml.Append("  <MaskBand><VRTRasterBand dataType=\"Byte\">\n");
            for (var s = 0; s < sources.Count; s++)
            {
                // Coverage only: band 1 scaled to the constant 255, so every pixel a source lies on is valid.
                var (kind, band, scale) = coverageOnly ? ("ComplexSource", "1", "<ScaleOffset>255</ScaleOffset><ScaleRatio>0</ScaleRatio>") : ("SimpleSource", "mask,1", string.Empty);
                xml.Append(ci, $"    <{kind}><SourceFilename relativeToVRT=\"0\">{{{{SOURCE:{s}}}}}</SourceFilename><SourceBand>{band}</SourceBand>");
                xml.Append(ci, $"<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{sources[s].Info.Width}\" ySize=\"{sources[s].Info.Height}\"/>");
                xml.Append(ci, $"<DstRect xOff=\"{offsets[s].X - minX}\" yOff=\"{offsets[s].Y - minY}\" xSize=\"{sources[s].Info.Width}\" ySize=\"{sources[s].Info.Height}\"/>{scale}</{kind}>\n");
            }

            xml.Append("  </VRTRasterBand></MaskBand>\n");
        }

        xml.Append("</VRTDataset>\n");
        return xml.ToString();
    }

    /// <summary>Writes the template with local paths filled in (once per content) and returns the VRT's path.</summary>
    public static string Write(string template, IReadOnlyList<string> localPaths, string directory)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(localPaths);
        var text = template;
        for (var i = 0; i < localPaths.Count; i++)
        {
            text = text.Replace($"{{{{SOURCE:{i}}}}}", SecurityElement.Escape(localPaths[i]), StringComparison.Ordinal);
        }

        var path = Path.Combine(directory, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32] + ".vrt");
        if (!File.Exists(path))
        {
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
        }

        return path;
    }
}
