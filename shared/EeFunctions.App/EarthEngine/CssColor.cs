using System.Globalization;

namespace EeFunctions.App.EarthEngine;

/// <summary>CSS-style colours as Earth Engine palettes take them: hex RGB (3 or 6 digits, '#' optional) or a basic colour name.</summary>
internal static class CssColor
{
    private static readonly Dictionary<string, string> s_named = new(StringComparer.OrdinalIgnoreCase)
    {
        ["black"] = "000000", ["silver"] = "c0c0c0", ["gray"] = "808080", ["grey"] = "808080", ["white"] = "ffffff",
        ["maroon"] = "800000", ["red"] = "ff0000", ["purple"] = "800080", ["fuchsia"] = "ff00ff", ["magenta"] = "ff00ff",
        ["green"] = "008000", ["lime"] = "00ff00", ["olive"] = "808000", ["yellow"] = "ffff00", ["navy"] = "000080",
        ["blue"] = "0000ff", ["teal"] = "008080", ["aqua"] = "00ffff", ["cyan"] = "00ffff", ["orange"] = "ffa500",
    };

    public static bool TryParse(string? color, out (byte R, byte G, byte B) rgb)
    {
        var text = (color ?? string.Empty).Trim();
        if (s_named.TryGetValue(text, out var named))
        {
            text = named;
        }

        var hex = text.StartsWith('#') ? text[1..] : text;
        if (hex.Length == 3)
        {
            hex = string.Concat(hex.Select(c => new string(c, 2)));
        }

        if (hex.Length != 6 || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            rgb = default;
            return false;
        }

        rgb = ((byte)(value >> 16), (byte)(value >> 8), (byte)value);
        return true;
    }
}
