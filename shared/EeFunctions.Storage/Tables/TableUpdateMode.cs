namespace EeFunctions.Storage.Tables;

/// <summary>How an update or upsert treats properties the new entity does not carry.</summary>
public enum TableUpdateMode
{
    /// <summary>Keep the stored properties the entity does not name (Merge Entity).</summary>
    Merge = 0,

    /// <summary>Replace the stored entity with exactly these properties (Update Entity).</summary>
    Replace = 1,
}
