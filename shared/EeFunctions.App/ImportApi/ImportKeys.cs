using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EeFunctions.App.ImportApi;

/// <summary>The identifiers the Import API accepts as table keys, and the ids it derives.</summary>
public static partial class ImportKeys
{
    /// <summary>Whether <paramref name="value"/> may be a client id or album id (and so a table key).</summary>
    public static bool IsSafeKey(string? value) => value is not null && SafeKey().IsMatch(value);

    /// <summary>An album id: 1–128 of letters, digits, '-', '_' and '.'.</summary>
    public static bool IsAlbumId(string? value) => value is not null && AlbumId().IsMatch(value);

    /// <summary>The import id an Idempotency-Key maps to: the same client and key always give the same id.</summary>
    public static string ImportIdFor(string clientId, string idempotencyKey) => HashId("import\n" + clientId + "\n" + idempotencyKey);

    /// <summary>The image an import makes: fixed by the import id, so a replayed or retried step writes the same one.</summary>
    public static string ImageIdFor(string importId) => HashId("image\n" + importId);

    /// <summary>The orchestration instance of an import.</summary>
    public static string InstanceId(string importId) => "photo-import-" + importId;

    /// <summary>A version-8 (custom) UUID from a hash, so derived ids look and parse like random ones.</summary>
    private static string HashId(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SafeKey();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex AlbumId();
}
