using System.ComponentModel.DataAnnotations;

namespace EeFunctions.App.Durable;

/// <summary>
/// The Durable Functions HTTP management API: its system key (the <c>code</c> query parameter or
/// <c>x-functions-key</c> header) and the connection name its URLs carry.
/// </summary>
public sealed class DurableHttpApiOptions
{
    public const string SectionName = "DurableTask";

    /// <summary>The base path of the API, as on Azure Functions v2+.</summary>
    public const string BasePath = "/runtime/webhooks/durabletask";

    /// <summary>The system key that opens the whole API (set <c>DurableTask__SystemKey</c>).</summary>
    [Required(ErrorMessage = "DurableTask:SystemKey is not set: the Durable HTTP API needs a system key (local.settings.json Values.DurableTask__SystemKey).")]
    [MinLength(16, ErrorMessage = "DurableTask:SystemKey must be at least 16 characters.")]
    public string SystemKey { get; set; } = string.Empty;

    /// <summary>The connection setting name the generated URLs carry (<c>connection=</c>).</summary>
    public string ConnectionName { get; set; } = "Storage";
}
