namespace EeFunctions.Storage.Tables;

/// <summary>Options for the table clients (as Azure.Data.Tables.TableClientOptions): retries, diagnostics, transport.</summary>
public class TableClientOptions : StorageClientOptions
{
}
