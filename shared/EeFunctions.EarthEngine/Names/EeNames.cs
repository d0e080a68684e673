using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EeFunctions.EarthEngine.Errors;

namespace EeFunctions.EarthEngine.Names;

/// <summary>
/// Resource names: projects, assets (<c>projects/{p}/assets/{path}</c>), operations (<c>projects/{p}/operations/{id}</c>),
/// request ids, and the durable instance id of an operation (<c>ee-{project}-{id}</c>, so the project is known from the id).
/// </summary>
public static partial class EeNames
{
    /// <summary>Operation ids: 24 characters of A–Z and 2–7, like Earth Engine's.</summary>
    public const int OperationIdLength = 24;

    public const string InstancePrefix = "ee-";

    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Whether <paramref name="project"/> is a project id: optional <c>domain:</c>, then 6–30 of <c>[a-z0-9-]</c>, starting with a letter.</summary>
    public static bool IsProjectId(string? project) => project is not null && ProjectPattern().IsMatch(project);

    /// <summary>Throws INVALID_ARGUMENT unless <paramref name="project"/> is a valid project id.</summary>
    public static string RequireProject(string? project) => IsProjectId(project)
        ? project!
        : throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid project '{project}': a project id is 6 to 30 lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit.");

    /// <summary>Parses <c>projects/{p}/assets/{path}</c> into its project and path; throws INVALID_ARGUMENT naming the problem.</summary>
    public static (string Project, string Path) ParseAssetName(string? name, string field = "name")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"{field} is required: an asset name such as projects/my-project/assets/folder/image.");
        }

        var match = AssetPattern().Match(name);
        if (!match.Success || !IsProjectId(match.Groups[1].Value))
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid asset name '{name}' in {field}: expected projects/{{project}}/assets/{{path}}.");
        }

        var path = match.Groups[2].Value;
        foreach (var segment in path.Split('/'))
        {
            if (!SegmentPattern().IsMatch(segment))
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid asset name '{name}' in {field}: each path segment is 1 to 100 letters, digits, '_' or '-' (got '{segment}').");
            }
        }

        if (path.Split('/').Length > 10)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid asset name '{name}' in {field}: at most 10 path segments.");
        }

        return (match.Groups[1].Value, path);
    }

    public static string AssetName(string project, string path) => $"projects/{project}/assets/{path}";

    public static string OperationName(string project, string operationId) => $"projects/{project}/operations/{operationId}";

    /// <summary>Whether <paramref name="operationId"/> has the shape of our operation ids.</summary>
    public static bool IsOperationId(string? operationId) => operationId is { Length: OperationIdLength } && operationId.All(c => Base32.Contains(c, StringComparison.Ordinal));

    /// <summary>Checks a request id: <c>[a-zA-Z0-9-]</c>, at most 60 characters.</summary>
    public static void ValidateRequestId(string? requestId)
    {
        if (requestId is null || requestId.Length == 0)
        {
            return;
        }

        if (requestId.Length > 60 || !RequestIdPattern().IsMatch(requestId))
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Invalid requestId '{requestId}': at most 60 characters of a-z, A-Z, 0-9 and '-'.");
        }
    }

    /// <summary>The operation id for a request id: the same (project, caller, request id) always gives the same id.</summary>
    public static string OperationIdFor(string project, string caller, string requestId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{project}\n{caller}\n{requestId}"));
        return ToBase32(hash.AsSpan(0, 15));
    }

    /// <summary>A fresh random operation id.</summary>
    public static string NewOperationId() => ToBase32(RandomNumberGenerator.GetBytes(15));

    /// <summary>The durable instance id of an operation: <c>ee-{project}-{operationId}</c>.</summary>
    public static string InstanceId(string project, string operationId) => $"{InstancePrefix}{project}-{operationId}";

    /// <summary>The prefix every instance of <paramref name="project"/> starts with.</summary>
    public static string InstancePrefixOf(string project) => $"{InstancePrefix}{project}-";

    /// <summary>The (project, operation id) of an EE instance id, or null when it is not one.</summary>
    public static (string Project, string OperationId)? ParseInstanceId(string? instanceId)
    {
        if (instanceId is null || !instanceId.StartsWith(InstancePrefix, StringComparison.Ordinal) || instanceId.Length < InstancePrefix.Length + OperationIdLength + 2)
        {
            return null;
        }

        var operationId = instanceId[^OperationIdLength..];
        var dash = instanceId.Length - OperationIdLength - 1;
        if (instanceId[dash] != '-' || !IsOperationId(operationId))
        {
            return null;
        }

        var project = instanceId[InstancePrefix.Length..dash];
        return IsProjectId(project) ? (project, operationId) : null;
    }

    private static string ToBase32(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length * 8 / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                builder.Append(Base32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"^(?:[a-z][a-z0-9.\-]*[a-z0-9]:)?[a-z][a-z0-9\-]{4,28}[a-z0-9]$")]
    private static partial Regex ProjectPattern();

    [GeneratedRegex(@"^projects/([^/]+)/assets/(.+)$")]
    private static partial Regex AssetPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_\-]{1,100}$")]
    private static partial Regex SegmentPattern();

    [GeneratedRegex(@"^[A-Za-z0-9\-]+$")]
    private static partial Regex RequestIdPattern();
}
