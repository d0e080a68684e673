using Azure.Core;
using Azure.Core.Pipeline;

namespace EeFunctions.Storage;

/// <summary>Appends a shared access signature to every request's query string.</summary>
internal sealed class SasQueryPolicy(string sas) : HttpPipelineSynchronousPolicy
{
    private readonly string _sas = sas.TrimStart('?');

    public override void OnSendingRequest(HttpMessage message)
    {
        var query = message.Request.Uri.Query;
        if (query.Contains("sig=", StringComparison.Ordinal))
        {
            return;
        }

        message.Request.Uri.Query = string.IsNullOrEmpty(query) || query == "?" ? "?" + _sas : query + "&" + _sas;
    }
}
