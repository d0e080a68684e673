using System.Diagnostics;
using System.Text.Json.Nodes;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>An ingested image carries its footprint as EE's <c>geometry</c>, with the corners gdalinfo computes for the source.</summary>
[Collection(EeHostGroup.Name)]
public sealed class AssetGeometryTests(EeHostFixture host)
{
    private const string Project = "asset-geometry";

    [Theory]
    [InlineData("RGB.byte.tif")] // UTM zone 18N: corners reprojected
    [InlineData("green.tif")] // EPSG:4326: corners as they are
    public async Task An_ingested_image_has_a_wgs84_polygon_through_the_source_corners(string file)
    {
        using var client = host.Client(host.Token(Project));
        var asset = "footprints/" + Path.GetFileNameWithoutExtension(file).Replace('.', '_');
        var operation = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, asset, await host.UploadAsync(file)), overwrite: true);
        var done = await EeApi.PollAsync(client, operation["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());

        var (_, json) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{asset}");
        var geometry = json!["geometry"];
        Assert.NotNull(geometry);
        Assert.Equal("Polygon", geometry["type"]!.GetValue<string>());
        var ring = Assert.Single(geometry["coordinates"]!.AsArray())!.AsArray()
            .Select(p => (Lon: p![0]!.GetValue<double>(), Lat: p[1]!.GetValue<double>())).ToList();
        Assert.Equal(ring[0], ring[^1]);

        // gdalinfo rounds its WGS84 corners to 7 decimals, well inside the 1e-6 degrees asked for.
        foreach (var corner in WgsCorners(TestData.Raster(file)))
        {
            Assert.Contains(ring, p => Math.Abs(p.Lon - corner.Lon) <= 1e-6 && Math.Abs(p.Lat - corner.Lat) <= 1e-6);
        }
    }

    private static List<(double Lon, double Lat)> WgsCorners(string path)
    {
        var start = new ProcessStartInfo("gdalinfo") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-json");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"gdalinfo failed: {errors.Result}");
        var corners = JsonNode.Parse(output)!["wgs84Extent"]!["coordinates"]![0]!.AsArray()
            .Select(p => (Lon: p![0]!.GetValue<double>(), Lat: p[1]!.GetValue<double>())).ToList();
        Assert.Equal(5, corners.Count);
        return corners;
    }
}
