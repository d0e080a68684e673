using System.Globalization;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Blobs.Models;

namespace EeFunctions.Storage.Blobs;

/// <summary>Request and response header handling shared by the blob clients.</summary>
internal static class BlobHeaders
{
    private const string MetaPrefix = "x-ms-meta-";

    public static void ApplyConditions(Request request, BlobRequestConditions? conditions)
    {
        if (conditions is null)
        {
            return;
        }

        ApplyConditions(request, (RequestConditions)conditions);
        if (conditions.LeaseId is not null)
        {
            request.Headers.SetValue("x-ms-lease-id", conditions.LeaseId);
        }
    }

    public static void ApplyConditions(Request request, RequestConditions? conditions)
    {
        if (conditions is null)
        {
            return;
        }

        if (conditions.IfMatch is { } ifMatch)
        {
            request.Headers.SetValue("If-Match", ifMatch.ToString());
        }

        if (conditions.IfNoneMatch is { } ifNoneMatch)
        {
            request.Headers.SetValue("If-None-Match", ifNoneMatch.ToString());
        }

        if (conditions.IfModifiedSince is { } modified)
        {
            request.Headers.SetValue("If-Modified-Since", modified.ToString("R", CultureInfo.InvariantCulture));
        }

        if (conditions.IfUnmodifiedSince is { } unmodified)
        {
            request.Headers.SetValue("If-Unmodified-Since", unmodified.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    public static void ApplyMetadata(Request request, IDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (key, value) in metadata)
        {
            request.Headers.SetValue(MetaPrefix + key, value);
        }
    }

    public static void ApplyHttpHeaders(Request request, BlobHttpHeaders? headers)
    {
        if (headers is null)
        {
            return;
        }

        SetIfNotNull(request, "x-ms-blob-content-type", headers.ContentType);
        SetIfNotNull(request, "x-ms-blob-content-encoding", headers.ContentEncoding);
        SetIfNotNull(request, "x-ms-blob-content-language", headers.ContentLanguage);
        SetIfNotNull(request, "x-ms-blob-content-disposition", headers.ContentDisposition);
        SetIfNotNull(request, "x-ms-blob-cache-control", headers.CacheControl);
        if (headers.ContentHash is not null)
        {
            request.Headers.SetValue("x-ms-blob-content-md5", Convert.ToBase64String(headers.ContentHash));
        }
    }

    public static Dictionary<string, string> Metadata(Response response)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            if (header.Name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            {
                result[header.Name[MetaPrefix.Length..]] = header.Value;
            }
        }

        return result;
    }

    public static ETag ETagOf(Response response) =>
        response.Headers.ETag ?? (response.Headers.TryGetValue("ETag", out var e) ? new ETag(e) : default);

    public static DateTimeOffset LastModified(Response response) =>
        Date(response, "Last-Modified") ?? DateTimeOffset.MinValue;

    public static DateTimeOffset? Date(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;

    public static long Long(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;

    public static string? Header(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;

    public static byte[]? Md5(Response response) =>
        response.Headers.TryGetValue("Content-MD5", out var md5) && md5.Length > 0 ? Convert.FromBase64String(md5) : null;

    public static LeaseState ParseLeaseState(string? value) => value?.ToLowerInvariant() switch
    {
        "leased" => LeaseState.Leased,
        "expired" => LeaseState.Expired,
        "breaking" => LeaseState.Breaking,
        "broken" => LeaseState.Broken,
        _ => LeaseState.Available,
    };

    public static BlobDownloadDetails DownloadDetails(Response response) => new()
    {
        ContentLength = Long(response, "Content-Length"),
        ContentType = Header(response, "Content-Type"),
        ContentRange = Header(response, "Content-Range"),
        ETag = ETagOf(response),
        LastModified = LastModified(response),
        Metadata = Metadata(response),
    };

    private static void SetIfNotNull(Request request, string name, string? value)
    {
        if (value is not null)
        {
            request.Headers.SetValue(name, value);
        }
    }
}
