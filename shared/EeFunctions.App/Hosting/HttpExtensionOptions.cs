using System.ComponentModel.DataAnnotations;

namespace EeFunctions.App.Hosting;

/// <summary>host.json <c>extensions.http</c>: where HTTP functions are routed.</summary>
public sealed class HttpExtensionOptions
{
    public const string SectionName = FunctionsConfiguration.HostSection + ":extensions:http";

    /// <summary>The route prefix of HTTP functions (default <c>api</c>; empty for none).</summary>
    [RegularExpression("^[A-Za-z0-9_\\-/]*$", ErrorMessage = "extensions.http.routePrefix may hold only letters, digits, '_', '-' and '/'.")]
    public string RoutePrefix { get; set; } = "api";

    /// <summary>The prefix as a path (<c>/api</c>, or empty).</summary>
    public string PathPrefix => RoutePrefix.Trim('/').Length == 0 ? string.Empty : "/" + RoutePrefix.Trim('/');
}
