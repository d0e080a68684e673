using System.Runtime.InteropServices;

namespace EeFunctions.Raster.Gdal;

/// <summary>
/// A NULL-terminated <c>char**</c> list of UTF-8 strings for GDAL options and argv. GDAL copies what it keeps,
/// so the list is freed when disposed. An empty list is passed as NULL.
/// </summary>
internal sealed unsafe class CslList : IDisposable
{
    private IntPtr* _items;
    private readonly int _count;

    public CslList(IEnumerable<string> items)
    {
        var list = items.ToList();
        _count = list.Count;
        if (_count == 0)
        {
            return;
        }

        _items = (IntPtr*)NativeMemory.AllocZeroed((nuint)(_count + 1), (nuint)sizeof(IntPtr));
        for (var i = 0; i < _count; i++)
        {
            _items[i] = Marshal.StringToCoTaskMemUTF8(list[i]);
        }
    }

    /// <summary>The <c>char**</c> to pass, or NULL for an empty list.</summary>
    public IntPtr Pointer => (IntPtr)_items;

    public void Dispose()
    {
        if (_items == null)
        {
            return;
        }

        for (var i = 0; i < _count; i++)
        {
            Marshal.FreeCoTaskMem(_items[i]);
        }

        NativeMemory.Free(_items);
        _items = null;
    }
}
