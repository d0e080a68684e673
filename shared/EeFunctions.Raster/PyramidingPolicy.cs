namespace EeFunctions.Raster;

/// <summary>How a band's parent pixel is made from its four children (Earth Engine's <c>PyramidingPolicy</c>).</summary>
public enum PyramidingPolicy
{
    /// <summary>Mask-weighted mean of valid children.</summary>
    Mean = 0,

    /// <summary>The upper-left child, with its mask.</summary>
    Sample = 1,

    /// <summary>Smallest valid child.</summary>
    Min = 2,

    /// <summary>Largest valid child.</summary>
    Max = 3,

    /// <summary>The valid value with the greatest total mask weight; ties take the smallest value.</summary>
    Mode = 4,

    /// <summary>Mask-weighted median of valid children; an even split takes the mean of the two middle values.</summary>
    Median = 5,
}
