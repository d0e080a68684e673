using System.Security.Cryptography;
using System.Text;

namespace EeFunctions.Storage;

/// <summary>An account name and key for Shared Key authorization (name as in Azure.Storage).</summary>
public sealed class StorageSharedKeyCredential
{
    private readonly byte[] _key;

    public StorageSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        AccountName = accountName;
        _key = Convert.FromBase64String(accountKey);
    }

    public string AccountName { get; }

    /// <summary>Base64 HMAC-SHA256 of <paramref name="message"/> with the account key.</summary>
    internal string ComputeHmacSha256(string message) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(message)));
}
