namespace EeFunctions.Infra.Tests;

/// <summary>What infra/blobdrop-eventgrid.bicep subscribes: the drop container's new blobs, to the app's Event Grid blob trigger.</summary>
public sealed class BlobDropEventGridTemplateTests(CompiledEventGridTemplate compiled) : IClassFixture<CompiledEventGridTemplate>
{
    [Fact]
    public void The_template_compiles_without_linter_warnings()
    {
        Assert.Equal(string.Empty, compiled.Diagnostics.Trim());
    }

    [Fact]
    public void New_blobs_of_the_drop_container_go_to_the_blob_drop_functions_webhook_with_the_blobs_extension_key()
    {
        var (topic, _) = Assert.Single(compiled.OfType("Microsoft.EventGrid/systemTopics"));
        Assert.Equal("Microsoft.Storage.StorageAccounts", (string?)topic["properties"]!["topicType"]);

        var (subscription, _) = Assert.Single(compiled.OfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
        var properties = subscription["properties"]!;
        Assert.Equal("WebHook", (string?)properties["destination"]!["endpointType"]);
        var endpoint = (string?)properties["destination"]!["properties"]!["endpointUrl"];
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.EarthEngine_BlobDrop", endpoint, StringComparison.Ordinal);
        Assert.Contains("blobs_extension", endpoint, StringComparison.Ordinal);
        Assert.Equal(["Microsoft.Storage.BlobCreated"], properties["filter"]!["includedEventTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Contains("dropContainer", (string?)properties["filter"]!["subjectBeginsWith"], StringComparison.Ordinal);
    }
}
