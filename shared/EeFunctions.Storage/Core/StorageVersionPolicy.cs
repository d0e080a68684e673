using Azure.Core;
using Azure.Core.Pipeline;

namespace EeFunctions.Storage;

/// <summary>Stamps the REST API version every storage request is written against.</summary>
internal sealed class StorageVersionPolicy(string version) : HttpPipelineSynchronousPolicy
{
    /// <summary>The service version our requests are written for; Azurite 3.37 accepts it.</summary>
    public const string DefaultVersion = "2025-01-05";

    public override void OnSendingRequest(HttpMessage message) =>
        message.Request.Headers.SetValue("x-ms-version", version);
}
