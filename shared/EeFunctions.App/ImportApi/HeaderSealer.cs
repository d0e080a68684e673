using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// Seals a request's download headers (which may be credentials) with AES-GCM under
/// <see cref="ImportApiOptions.HeaderKey"/>, bound to their import, so neither the Imports table nor the orchestration
/// history holds them in the clear. Only the download activity opens them.
/// </summary>
public sealed class HeaderSealer(IOptions<ImportApiOptions> options)
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[]? _key = options.Value.HeaderKeyBytes();

    public string? Seal(string importId, IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.Count == 0)
        {
            return null;
        }

        if (_key is null)
        {
            throw ImportApiException.Unprocessable("invalid_parameter", $"This server cannot accept download headers: it has no {ImportApiOptions.SectionName}:HeaderKey to protect them with.");
        }

        var plain = JsonSerializer.SerializeToUtf8Bytes(headers);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(importId));
        return Convert.ToBase64String(sealedBytes);
    }

    public IReadOnlyDictionary<string, string> Open(string importId, string? sealedHeaders)
    {
        if (string.IsNullOrEmpty(sealedHeaders))
        {
            return new Dictionary<string, string>();
        }

        if (_key is null)
        {
            throw new InvalidOperationException($"The download headers of import {importId} cannot be opened: this host has no {ImportApiOptions.SectionName}:HeaderKey.");
        }

        var bytes = Convert.FromBase64String(sealedHeaders);
        var plain = new byte[bytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        try
        {
            aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes + TagBytes), bytes.AsSpan(NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(importId));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new InvalidOperationException($"The download headers of import {importId} cannot be opened: {ImportApiOptions.SectionName}:HeaderKey changed since it was accepted.", ex);
        }

        return JsonSerializer.Deserialize<Dictionary<string, string>>(plain) ?? [];
    }
}
