using System.Buffers;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// Whether a JPEG's image data runs to its end-of-image marker. ImageSharp decodes a truncated JPEG without an
/// error (the missing rows come out grey), so a cut-off download would otherwise import as a damaged photo. The
/// headers are walked to the first scan (skipping APPn segments, whose embedded thumbnails have markers of their own);
/// entropy-coded data never holds FF D9, so a complete file has it after that point. The file is streamed through one
/// pooled buffer: a photo of tens of megabytes is never held whole in managed memory.
/// </summary>
public static class JpegEndCheck
{
    private const int BufferSize = 64 * 1024;

    public static async Task<bool> IsCompleteAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            return await IsCompleteAsync(file, buffer, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<bool> IsCompleteAsync(FileStream file, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = file.Length;
        if (length < 4 || await file.ReadAtLeastAsync(buffer.AsMemory(0, 2), 2, throwOnEndOfStream: false, cancellationToken) < 2
            || buffer[0] != 0xFF || buffer[1] != 0xD8)
        {
            return false;
        }

        long at = 2;
        while (at + 4 <= length)
        {
            file.Position = at;
            await file.ReadExactlyAsync(buffer.AsMemory(0, 4), cancellationToken);
            if (buffer[0] != 0xFF)
            {
                return false;
            }

            var marker = buffer[1];
            if (marker == 0xFF)
            {
                at++;
                continue;
            }

            var segment = (buffer[2] << 8) | buffer[3];
            if (marker == 0xDA)
            {
                return at + 2 + segment <= length && await HasEndMarkerFromAsync(file, at + 2 + segment, buffer, cancellationToken);
            }

            at += 2 + segment;
        }

        return false;
    }

    /// <summary>Whether FF D9 occurs at or after <paramref name="start"/>, including across two reads.</summary>
    private static async Task<bool> HasEndMarkerFromAsync(FileStream file, long start, byte[] buffer, CancellationToken cancellationToken)
    {
        file.Position = start;
        var endedOnFF = false;
        int read;
        while ((read = await file.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            if ((endedOnFF && chunk[0] == 0xD9) || chunk.IndexOf([(byte)0xFF, (byte)0xD9]) >= 0)
            {
                return true;
            }

            endedOnFF = chunk[^1] == 0xFF;
        }

        return false;
    }
}
