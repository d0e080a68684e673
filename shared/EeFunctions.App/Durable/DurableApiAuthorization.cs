using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Durable;

/// <summary>What a Durable API request wants to do (reads, or state changes).</summary>
public enum DurableApiOperation
{
    Read,
    Start,
    RaiseEvent,
    Terminate,
    Suspend,
    Resume,
    Restart,
    Purge,
}

/// <summary>Who may call the Durable HTTP API: one replaceable piece, so bearer-token readers can be added.</summary>
public interface IDurableApiAuthorizer
{
    /// <summary>Null when allowed; otherwise the status to answer (401 or 403).</summary>
    ValueTask<int?> AuthorizeAsync(HttpContext context, DurableApiOperation operation, string? instanceId, CancellationToken cancellationToken);
}

/// <summary>The Functions system key: <c>code</c> query parameter or <c>x-functions-key</c> header, compared in constant time.</summary>
public sealed class SystemKeyAuthorizer(IOptions<DurableHttpApiOptions> options) : IDurableApiAuthorizer
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.SystemKey);

    public ValueTask<int?> AuthorizeAsync(HttpContext context, DurableApiOperation operation, string? instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult<int?>(HasSystemKey(context.Request) ? null : StatusCodes.Status401Unauthorized);
    }

    public bool HasSystemKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? presented = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        return presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key);
    }
}
