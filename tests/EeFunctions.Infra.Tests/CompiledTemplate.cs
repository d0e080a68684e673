using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using EeFunctions.Testing;

namespace EeFunctions.Infra.Tests;

/// <summary><c>infra/main.bicep</c> compiled once by the Bicep compiler from its NuGet package, with every resource of its modules.</summary>
public class CompiledTemplate : IAsyncLifetime
{
    /// <summary>The file under infra/ this fixture compiles.</summary>
    protected virtual string FileName => "main.bicep";

    public JsonObject Template { get; private set; } = [];

    /// <summary>What the compiler wrote to stderr: its linter's warnings.</summary>
    public string Diagnostics { get; private set; } = string.Empty;

    /// <summary>Every resource, those of nested module deployments included, with the template that declares it.</summary>
    public IReadOnlyList<(JsonObject Resource, JsonObject Template)> Resources { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var package = typeof(CompiledTemplate).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackage").Value!;
        var psi = new ProcessStartInfo(Path.Combine(package, "tools", "bicep"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var arg in new[] { "build", Path.Combine("infra", FileName), "--stdout" })
        {
            psi.ArgumentList.Add(arg);
        }

        // The compiler is a self-contained .NET app; it must not look for ICU on machines without it.
        psi.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("bicep did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Diagnostics = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build infra/{FileName} failed ({process.ExitCode}): {Diagnostics}");
        }

        Template = JsonNode.Parse(await stdout)!.AsObject();
        var all = new List<(JsonObject, JsonObject)>();
        Collect(Template, all);
        Resources = all;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public IEnumerable<(JsonObject Resource, JsonObject Template)> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r.Resource["type"], type, StringComparison.OrdinalIgnoreCase));

    private static void Collect(JsonObject template, List<(JsonObject, JsonObject)> into)
    {
        var resources = template["resources"];
        var list = resources is JsonArray array ? array.Select(r => r!.AsObject()) : resources?.AsObject().Select(p => p.Value!.AsObject()) ?? [];
        foreach (var resource in list)
        {
            into.Add((resource, template));
            if ((string?)resource["type"] == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                Collect(nested, into);
            }
        }
    }
}

/// <summary><c>infra/blobdrop-eventgrid.bicep</c>, the deployment step after publishing the code.</summary>
public sealed class CompiledEventGridTemplate : CompiledTemplate
{
    protected override string FileName => "blobdrop-eventgrid.bicep";
}
