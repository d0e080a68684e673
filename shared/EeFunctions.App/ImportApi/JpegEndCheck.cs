namespace EeFunctions.App.ImportApi;

/// <summary>
/// Whether a JPEG's image data runs to its end-of-image marker. ImageSharp decodes a truncated JPEG without an
/// error (the missing rows come out grey), so a cut-off download would otherwise import as a damaged photo. The
/// headers are walked to the first scan (skipping APPn segments, whose embedded thumbnails have markers of their own);
/// entropy-coded data never holds FF D9, so a complete file has it after that point.
/// </summary>
public static class JpegEndCheck
{
    public static async Task<bool> IsCompleteAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        return IsComplete(bytes);
    }

    public static bool IsComplete(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return false;
        }

        var at = 2;
        while (at + 4 <= jpeg.Length)
        {
            if (jpeg[at] != 0xFF)
            {
                return false;
            }

            var marker = jpeg[at + 1];
            if (marker == 0xFF)
            {
                at++;
                continue;
            }

            var length = (jpeg[at + 2] << 8) | jpeg[at + 3];
            if (marker == 0xDA)
            {
                return jpeg[(at + 2 + length)..].IndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
            }

            at += 2 + length;
        }

        return false;
    }
}
