using EeFunctions.EarthEngine.Auth;

namespace EeFunctions.App.Http;

/// <summary><c>GET /{v}/projects/{p}/algorithms</c>: the algorithm signatures snapshot clients load at initialisation.</summary>
internal static class EeAlgorithmsApi
{
    private static readonly Lazy<byte[]> s_snapshot = new(() =>
    {
        using var stream = typeof(EeAlgorithmsApi).Assembly.GetManifestResourceStream("EeFunctions.App.EarthEngine.earthengine-algorithms.snapshot.json")
            ?? throw new InvalidOperationException("The algorithms snapshot is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static async Task ListAsync(EeCall call)
    {
        await call.AuthorizeAsync(EePermissions.ComputationsCreate);
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = "application/json; charset=UTF-8";
        await call.Http.Response.Body.WriteAsync(s_snapshot.Value, call.Aborted);
    }
}
