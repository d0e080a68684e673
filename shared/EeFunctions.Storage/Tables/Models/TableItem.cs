namespace EeFunctions.Storage.Tables.Models;

/// <summary>A table in the account (as Azure.Data.Tables.Models.TableItem).</summary>
public sealed class TableItem
{
    public TableItem(string name) => Name = name;

    public string Name { get; }
}
