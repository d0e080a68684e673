using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Tables.Models;

namespace EeFunctions.Storage.Tables;

/// <summary>The table service of a storage account (names as in Azure.Data.Tables.TableServiceClient).</summary>
public class TableServiceClient
{
    private readonly StorageServiceContext _context;

    public TableServiceClient(string connectionString)
        : this(connectionString, null)
    {
    }

    public TableServiceClient(string connectionString, TableClientOptions? options)
        : this(StorageServiceContext.FromConnectionString(connectionString, StorageService.Table, options))
    {
    }

    /// <summary>A service URL with a SAS in its query.</summary>
    public TableServiceClient(Uri endpoint, TableClientOptions? options = null)
        : this(StorageServiceContext.Create(endpoint, StorageService.Table, options))
    {
    }

    public TableServiceClient(Uri endpoint, TableSharedKeyCredential credential, TableClientOptions? options = null)
        : this(StorageServiceContext.Create(endpoint, StorageService.Table, options, sharedKey: (credential ?? throw new ArgumentNullException(nameof(credential))).Credential))
    {
    }

    public TableServiceClient(Uri endpoint, StorageSharedKeyCredential credential, TableClientOptions? options = null)
        : this(StorageServiceContext.Create(endpoint, StorageService.Table, options, sharedKey: credential ?? throw new ArgumentNullException(nameof(credential))))
    {
    }

    /// <summary>A service URL and a SAS credential (its signature is read once, when the client is built).</summary>
    public TableServiceClient(Uri endpoint, AzureSasCredential credential, TableClientOptions? options = null)
        : this(StorageServiceContext.Create(endpoint, StorageService.Table, options, sas: (credential ?? throw new ArgumentNullException(nameof(credential))).Signature))
    {
    }

    public TableServiceClient(Uri endpoint, TokenCredential tokenCredential, TableClientOptions? options = null)
        : this(StorageServiceContext.Create(endpoint, StorageService.Table, options, token: tokenCredential ?? throw new ArgumentNullException(nameof(tokenCredential))))
    {
    }

    internal TableServiceClient(StorageServiceContext context) => _context = context;

    /// <summary>Mocking constructor.</summary>
    protected TableServiceClient() => _context = null!;

    public virtual Uri Uri => _context.Endpoint;

    public virtual string? AccountName => _context.AccountName;

    /// <summary>A client for one table, sharing this client's pipeline.</summary>
    public virtual TableClient GetTableClient(string tableName) => new(_context, tableName);

    public virtual Task<Response<TableItem>> CreateTableAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).CreateAsync(cancellationToken);

    public virtual Task<Response<TableItem>> CreateTableIfNotExistsAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).CreateIfNotExistsAsync(cancellationToken);

    public virtual Task<Response> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).DeleteAsync(cancellationToken);

    /// <summary>Lists the account's tables, optionally filtered (e.g. <c>TableName eq 'jobs'</c>).</summary>
    public virtual AsyncPageable<TableItem> QueryAsync(string? filter = null, int? maxPerPage = null, CancellationToken cancellationToken = default) =>
        new TablePageable<TableItem>((token, pageSize, ct) => QueryPageAsync(filter, pageSize, token, ct), maxPerPage, cancellationToken);

    private async Task<Page<TableItem>> QueryPageAsync(string? filter, int? pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var query = new StringBuilder();
        void Add(string name, string value) => query.Append(query.Length == 0 ? string.Empty : "&").Append(name).Append('=').Append(Uri.EscapeDataString(value));
        if (!string.IsNullOrEmpty(filter))
        {
            Add("$filter", filter);
        }

        if (pageSize is { } top)
        {
            Add("$top", top.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(continuationToken))
        {
            Add("NextTableName", continuationToken);
        }

        using var message = TableClient.CreateTableRequest(_context, RequestMethod.Get, "Tables", query.ToString());
        var response = await _context.SendAsync(message, cancellationToken);
        using var json = JsonDocument.Parse(response.Content.ToMemory());
        var tables = json.RootElement.TryGetProperty("value", out var array)
            ? array.EnumerateArray().Select(e => new TableItem(e.GetProperty("TableName").GetString()!)).ToList()
            : [];
        var next = response.Headers.TryGetValue("x-ms-continuation-NextTableName", out var n) && !string.IsNullOrEmpty(n) ? n : null;
        return Page<TableItem>.FromValues(tables, next, response);
    }

    internal static HttpMessage CreateTableMessage(StorageServiceContext context, string tableName)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = tableName });
        var message = TableClient.CreateTableRequest(context, RequestMethod.Post, "Tables", body: body);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        return message;
    }
}
