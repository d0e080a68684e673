using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EeFunctions.DurableTask;
using EeFunctions.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EeFunctions.Functions.Tests;

/// <summary>The Functions app and the self-host serve the same routes, tasks and hub: a test fails when they drift.</summary>
public sealed partial class HostParityTests(SelfHost host) : IClassFixture<SelfHost>
{
    [Fact]
    public void Every_route_the_self_host_maps_is_a_function_with_the_same_route_and_methods()
    {
        var functions = HttpFunctionRoutes();

        var missing = SelfHostRoutes().Where(r => !functions.Any(f => Covers(f, r))).Select(r => $"{r.Method} {r.Route}").ToList();

        Assert.True(missing.Count == 0, "Self-host routes with no function: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_function_route_is_one_the_self_host_maps()
    {
        var selfHost = SelfHostRoutes();

        foreach (var function in HttpFunctionRoutes())
        {
            Assert.Contains(selfHost, r => Covers(function, r));
        }
    }

    [Fact]
    public void Every_orchestrator_and_activity_of_the_self_host_is_a_function_of_the_same_name_and_no_other()
    {
        var tasks = host.Factory.Services.GetRequiredService<RegisteredTasks>();

        Assert.Equal(tasks.OrchestratorNames.Order(), FunctionsMetadata.NamesWithTrigger("orchestrationTrigger").Order());
        Assert.Equal(tasks.ActivityNames.Order(), FunctionsMetadata.NamesWithTrigger("activityTrigger").Order());
    }

    [Fact]
    public void Every_function_has_one_trigger_http_ones_are_anonymous_and_the_Earth_Engine_ones_get_a_Durable_client()
    {
        foreach (var function in FunctionsMetadata.Functions)
        {
            var name = (string)function["name"]!;
            Assert.Matches(FunctionName(), name);
            var triggers = FunctionsMetadata.Bindings(function).Count(b => ((string)b["type"]!).EndsWith("Trigger", StringComparison.Ordinal));
            Assert.True(triggers == 1, $"{name} has {triggers} triggers");
            var trigger = FunctionsMetadata.Trigger(function);
            if ((string)trigger["type"]! == "httpTrigger")
            {
                // Earth Engine authorizes by its bearer token and answers in its own envelope; a function key would not.
                Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
            }

            if (name.StartsWith("EarthEngine_v", StringComparison.Ordinal))
            {
                Assert.Contains(FunctionsMetadata.Bindings(function), b => (string)b["type"]! == "durableClient");
            }
        }
    }

    [Fact]
    public void The_blob_drop_triggers_watch_the_same_container_and_poison_queue_in_both_hosts_the_functions_one_on_Event_Grid()
    {
        var selfHost = typeof(EeFunctions.SelfHost.BlobDropFunctions).GetMethods()
            .Select(m => (Name: m.GetCustomAttributes(typeof(Microsoft.Azure.WebJobs.FunctionNameAttribute), false).OfType<Microsoft.Azure.WebJobs.FunctionNameAttribute>().SingleOrDefault()?.Name, Method: m))
            .Where(f => f.Name is not null)
            .ToDictionary(f => f.Name!, f => f.Method);
        var drop = FunctionsMetadata.Functions.Single(f => (string?)f["name"] == "EarthEngine_BlobDrop");
        var poison = FunctionsMetadata.Functions.Single(f => (string?)f["name"] == "EarthEngine_BlobDropPoison");
        Assert.Equal(["EarthEngine_BlobDrop", "EarthEngine_BlobDropPoison"], selfHost.Keys.Order());

        var blobTrigger = FunctionsMetadata.Trigger(drop);
        Assert.Equal("EventGrid", (string?)blobTrigger["source"]);
        var selfHostPath = selfHost["EarthEngine_BlobDrop"].GetParameters().Select(p => p.GetCustomAttributes(typeof(Microsoft.Azure.WebJobs.BlobTriggerAttribute), false).OfType<Microsoft.Azure.WebJobs.BlobTriggerAttribute>().SingleOrDefault()).Single(a => a is not null)!.BlobPath;
        Assert.Equal(selfHostPath, (string?)blobTrigger["path"]);

        var queue = selfHost["EarthEngine_BlobDropPoison"].GetParameters().Select(p => p.GetCustomAttributes(typeof(Microsoft.Azure.WebJobs.QueueTriggerAttribute), false).OfType<Microsoft.Azure.WebJobs.QueueTriggerAttribute>().SingleOrDefault()).Single(a => a is not null)!.QueueName;
        Assert.Equal(queue, (string?)FunctionsMetadata.Trigger(poison)["queueName"]);
    }

    [Fact]
    public void The_two_host_json_files_configure_the_same_task_hub()
    {
        var selfHost = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!;
        var functions = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "functions", "EeFunctions.Functions", "host.json")))!;

        Assert.True(JsonNode.DeepEquals(selfHost["extensions"]!["durableTask"], functions["extensions"]!["durableTask"]),
            $"host.json durableTask sections differ:\n{selfHost["extensions"]!["durableTask"]}\n{functions["extensions"]!["durableTask"]}");

        // Functions' routes spell out api/ (Earth Engine lives at the root), so its prefix is empty.
        Assert.Equal(string.Empty, (string?)functions["extensions"]!["http"]!["routePrefix"]);
        Assert.Equal("api", (string?)selfHost["extensions"]!["http"]!["routePrefix"]);
    }

    [Fact]
    public void Both_hosts_run_with_the_same_runtime_settings_tiered_PGO_off()
    {
        static JsonNode? Options(string app) =>
            JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, app + ".runtimeconfig.json")))!["runtimeOptions"]!["configProperties"];

        var selfHost = Options("EeFunctions.Host");
        var functions = Options("EeFunctions.Functions");
        Assert.False((bool)selfHost!["System.Runtime.TieredPGO"]!);
        Assert.False((bool)functions!["System.Runtime.TieredPGO"]!);
    }

    /// <summary>The self-host's routes (method or * and template without the leading slash), the Durable API aside.</summary>
    private List<(string Method, string Route)> SelfHostRoutes()
    {
        var endpoints = host.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var routes = new List<(string, string)>();
        foreach (var endpoint in endpoints)
        {
            var route = endpoint.RoutePattern.RawText!.TrimStart('/').Replace("{**", "{*", StringComparison.Ordinal);
            if (route.StartsWith("runtime/webhooks/durabletask", StringComparison.Ordinal))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
            routes.AddRange(methods is null or { Count: 0 } ? [("*", route)] : methods.Select(m => (m, route)));
        }

        return routes;
    }

    private static List<(IReadOnlyList<string>? Methods, string Route)> HttpFunctionRoutes() =>
        [.. FunctionsMetadata.Functions.Select(FunctionsMetadata.Trigger).Where(t => (string)t["type"]! == "httpTrigger")
            .Select(t => ((IReadOnlyList<string>?)t["methods"]?.AsArray().Select(m => ((string)m!).ToUpperInvariant()).ToList(), (string)t["route"]!))];

    /// <summary>Whether a function serves a self-host route: the same template (a catch-all also serves its bare prefix) and method.</summary>
    private static bool Covers((IReadOnlyList<string>? Methods, string Route) function, (string Method, string Route) route)
    {
        var sameRoute = function.Route == route.Route ||
            (function.Route.EndsWith("/{*path}", StringComparison.Ordinal) && function.Route[..^"/{*path}".Length] == route.Route);
        var sameMethod = function.Methods is null || (route.Method != "*" && function.Methods.Contains(route.Method));
        return sameRoute && sameMethod;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,127}$")]
    private static partial Regex FunctionName();
}
