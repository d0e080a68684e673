using EeFunctions.Durable.Client;
using EeFunctions.Durable.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EeFunctions.Durable.Tests.Unit;

public sealed class HostingTests
{
    [Fact]
    public async Task AddDurableTask_runs_the_worker_as_a_hosted_service_with_a_client()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDurableTask(durable => durable
            .AddTasks(r => r
                .AddOrchestratorFunc<int, int>("Twice", (context, x) => context.CallActivityAsync<int>("Double", x))
                .AddActivityFunc<int, int>("Double", (_, x) => 2 * x))
            .ConfigureWorker(o => o.MaxConcurrentActivityFunctions = 2));
        using var host = builder.Build();

        await host.StartAsync(timeout.Token);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync("Twice", 21, cancellation: timeout.Token);
        var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        await host.StopAsync(timeout.Token);

        Assert.Equal(42, result.ReadOutputAs<int>());
        Assert.Equal(2, host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DurableTaskWorkerOptions>>().Value.MaxConcurrentActivityFunctions);
    }

    public sealed class Greeter
    {
        public string Salutation { get; init; } = "Hello";

        public string Greet(string name) => $"{Salutation} {name}!";
    }

    [DurableTask("Greet")]
    public sealed class GreetActivity(Greeter greeter) : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(greeter.Greet(input));
    }

    public sealed class GreetOrchestrator : TaskOrchestrator<string, string>
    {
        public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => context.CallActivityAsync<string>("Greet", input);
    }

    [Fact]
    public async Task Class_based_tasks_get_constructor_injection_from_the_host()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<Greeter>();
        builder.Services.AddDurableTask(durable => durable.AddTasks(r => r.AddOrchestrator<GreetOrchestrator>().AddActivity<GreetActivity>()));
        using var host = builder.Build();

        await host.StartAsync(timeout.Token);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(GreetOrchestrator), "Ada", cancellation: timeout.Token);
        var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        await host.StopAsync(timeout.Token);

        Assert.Equal("Hello Ada!", result.ReadOutputAs<string>());
    }
}
