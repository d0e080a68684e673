namespace EeFunctions.Storage.Tables;

/// <summary>An account name and key for the table service (as Azure.Data.Tables.TableSharedKeyCredential).</summary>
public sealed class TableSharedKeyCredential
{
    public TableSharedKeyCredential(string accountName, string accountKey)
    {
        Credential = new StorageSharedKeyCredential(accountName, accountKey);
    }

    public string AccountName => Credential.AccountName;

    internal StorageSharedKeyCredential Credential { get; }
}
