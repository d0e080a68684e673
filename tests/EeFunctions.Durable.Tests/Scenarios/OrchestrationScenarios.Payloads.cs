namespace EeFunctions.Durable.Tests.Scenarios;

/// <summary>Payloads that plain JSON cannot hold: they cross every durable boundary (input, activity, output) intact.</summary>
public abstract partial class OrchestrationScenarios
{
    /// <summary>A raster no-data value and its range, the kind of record that carries non-finite doubles.</summary>
    public sealed record NoDataBand(string Name, double NoData, double Min, double Max);

    [Fact]
    public async Task NaN_and_infinities_round_trip_through_input_activity_and_output()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<double[], double[]>("EchoDoubles", (context, values) =>
                context.CallActivityAsync<double[]>("EchoDoublesActivity", values))
            .AddActivityFunc<double[], double[]>("EchoDoublesActivity", (_, values) => values)
            .AddOrchestratorFunc<NoDataBand, NoDataBand>("EchoBand", async (context, band) =>
            {
                var echoed = await context.CallActivityAsync<NoDataBand>("EchoBandActivity", band);
                return echoed with { Name = echoed.Name + "!" };
            })
            .AddActivityFunc<NoDataBand, NoDataBand>("EchoBandActivity", (_, band) => band));

        double[] values = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.5];
        var doublesId = await host.Client.ScheduleNewOrchestrationInstanceAsync("EchoDoubles", values, cancellation: Timeout);
        var band = new NoDataBand("b1", double.NaN, double.NegativeInfinity, double.PositiveInfinity);
        var bandId = await host.Client.ScheduleNewOrchestrationInstanceAsync("EchoBand", band, cancellation: Timeout);
        var doubles = await host.Client.WaitForInstanceCompletionAsync(doublesId, getInputsAndOutputs: true, Timeout);
        var bands = await host.Client.WaitForInstanceCompletionAsync(bandId, getInputsAndOutputs: true, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, doubles.RuntimeStatus);
        Assert.Equal(values, doubles.ReadOutputAs<double[]>());
        Assert.Equal(values, doubles.ReadInputAs<double[]>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, bands.RuntimeStatus);
        Assert.Equal(band with { Name = "b1!" }, bands.ReadOutputAs<NoDataBand>());
        Assert.Equal(band, bands.ReadInputAs<NoDataBand>());
    }
}
