namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>
/// One band computed on a grid: values as doubles (row-major) and a mask 0–255 (0 = masked). Computations never
/// modify an input's arrays, so a result may be shared by every expression that uses it.
/// </summary>
public sealed class BandPixels
{
    public BandPixels(double[] values, byte[] mask)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(mask);
        if (values.Length != mask.Length)
        {
            throw new ArgumentException("Values and mask differ in length.", nameof(mask));
        }

        Values = values;
        Mask = mask;
    }

#pragma warning disable CA1819 // The arrays are the point: computations run over them.
    public double[] Values { get; }

    public byte[] Mask { get; }
#pragma warning restore CA1819

    public int Length => Values.Length;

    /// <summary>A band of one value, unmasked.</summary>
    public static BandPixels Constant(int length, double value)
    {
        var values = new double[length];
        Array.Fill(values, value);
        var mask = new byte[length];
        Array.Fill(mask, (byte)255);
        return new BandPixels(values, mask);
    }
}
