using System.Security.Cryptography;
using System.Text;

namespace EeFunctions.Durable;

/// <summary>Name-based (version 5, RFC 4122) GUIDs: the same namespace and name always give the same GUID.</summary>
public static class DeterministicGuid
{
    /// <summary>The namespace Durable Task uses for <c>NewGuid</c> in orchestrations.</summary>
    public static readonly Guid DurableTaskNamespace = new("9e952958-5e33-4daf-827f-2fa12937b875");

    /// <summary>The version 5 GUID of <paramref name="name"/> (UTF-8) in <paramref name="namespaceId"/>.</summary>
    public static Guid Create(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var data = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(data, bigEndian: true, out _);
        nameBytes.CopyTo(data, 16);
#pragma warning disable CA5350 // RFC 4122 version 5 is defined on SHA-1; this is identity, not security.
        var hash = SHA1.HashData(data);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
