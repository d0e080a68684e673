using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Tables.Models;

namespace EeFunctions.Storage.Tables;

/// <summary>
/// One table, over the Table REST API with JSON (names as in Azure.Data.Tables.TableClient). Errors are
/// <see cref="RequestFailedException"/> with the service's status and <see cref="TableErrorCode"/>.
/// </summary>
[SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Parameter names mirror Azure.Data.Tables ('select'), so named arguments keep compiling after the swap.")]
public partial class TableClient
{
    /// <summary>The most entities the service returns in one page.</summary>
    public const int MaxPageSize = 1000;

    internal const string JsonMinimalMetadata = "application/json;odata=minimalmetadata";
    internal const string JsonNoMetadata = "application/json;odata=nometadata";

    private readonly StorageServiceContext _context;
    private readonly string _escapedName;

    public TableClient(string connectionString, string tableName)
        : this(connectionString, tableName, null)
    {
    }

    public TableClient(string connectionString, string tableName, TableClientOptions? options)
        : this(StorageServiceContext.FromConnectionString(connectionString, StorageService.Table, options), tableName)
    {
    }

    /// <summary>A table URL (<c>{service}/{table}</c>) with a SAS in its query.</summary>
    public TableClient(Uri endpoint, TableClientOptions? options = null)
        : this(TableUri.Split(endpoint), s => StorageServiceContext.Create(s, StorageService.Table, options))
    {
    }

    /// <summary>A table URL (<c>{service}/{table}</c>) and a SAS credential (its signature is read once, when the client is built).</summary>
    public TableClient(Uri endpoint, AzureSasCredential credential, TableClientOptions? options = null)
        : this(TableUri.Split(endpoint), s => StorageServiceContext.Create(s, StorageService.Table, options, sas: (credential ?? throw new ArgumentNullException(nameof(credential))).Signature))
    {
    }

    /// <summary>The service endpoint, a table name and the account key.</summary>
    public TableClient(Uri endpoint, string tableName, TableSharedKeyCredential credential, TableClientOptions? options = null)
        : this(StorageServiceContext.Create(endpoint, StorageService.Table, options, sharedKey: (credential ?? throw new ArgumentNullException(nameof(credential))).Credential), tableName)
    {
    }

    public TableClient(Uri endpoint, string tableName, StorageSharedKeyCredential credential, TableClientOptions? options = null)
        : this(StorageServiceContext.Create(endpoint, StorageService.Table, options, sharedKey: credential ?? throw new ArgumentNullException(nameof(credential))), tableName)
    {
    }

    public TableClient(Uri endpoint, string tableName, TokenCredential tokenCredential, TableClientOptions? options = null)
        : this(StorageServiceContext.Create(endpoint, StorageService.Table, options, token: tokenCredential ?? throw new ArgumentNullException(nameof(tokenCredential))), tableName)
    {
    }

    internal TableClient(StorageServiceContext context, string tableName)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        _context = context;
        Name = tableName;
        _escapedName = Uri.EscapeDataString(tableName);
    }

    private TableClient((Uri ServiceUri, string TableName) parts, Func<Uri, StorageServiceContext> context)
        : this(context(parts.ServiceUri), parts.TableName)
    {
    }

    /// <summary>Mocking constructor.</summary>
    protected TableClient()
    {
        _context = null!;
        Name = string.Empty;
        _escapedName = string.Empty;
    }

    public virtual string Name { get; }

    public virtual string? AccountName => _context.AccountName;

    public virtual Uri Uri => _context.BuildUri(_escapedName);

    /// <summary>An OData filter from an interpolated string, values formatted as literals and quotes escaped.</summary>
    public static string CreateQueryFilter(FormattableString filter) => TableOdataFilter.Create(filter);

    /// <summary>An OData filter from a predicate (<c>e =&gt; e.PartitionKey == pk &amp;&amp; e.Count &gt; 3</c>); see <see cref="QueryAsync{T}(System.Linq.Expressions.Expression{Func{T, bool}}, int?, IEnumerable{string}?, CancellationToken)"/>.</summary>
    public static string CreateQueryFilter<T>(System.Linq.Expressions.Expression<Func<T, bool>> filter) => TableExpressionFilter.Translate(filter);

    public virtual async Task<Response<TableItem>> CreateAsync(CancellationToken cancellationToken = default)
    {
        using var message = TableServiceClient.CreateTableMessage(_context, Name);
        var response = await _context.SendAsync(message, cancellationToken);
        return Response.FromValue(new TableItem(Name), response);
    }

    /// <summary>Creates the table unless it exists (409 TableAlreadyExists is not an error here).</summary>
    public virtual async Task<Response<TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = TableServiceClient.CreateTableMessage(_context, Name);
        var response = await SendNoThrowAsync(message, cancellationToken);
        if (response.Status >= 400)
        {
            var ex = StorageServiceContext.CreateException(response);
            if (ex.ErrorCode != TableErrorCode.TableAlreadyExists)
            {
                throw ex;
            }
        }

        return Response.FromValue(new TableItem(Name), response);
    }

    /// <summary>Deletes the table; a table that does not exist is not an error (the response says 404).</summary>
    public virtual async Task<Response> DeleteAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateRequest(RequestMethod.Delete, $"Tables('{Uri.EscapeDataString(Name.Replace("'", "''", StringComparison.Ordinal))}')");
        var response = await SendNoThrowAsync(message, cancellationToken);
        return response.Status >= 400 && response.Status != 404 ? throw StorageServiceContext.CreateException(response) : response;
    }

    /// <summary>Inserts an entity; 409 with <see cref="TableErrorCode.EntityAlreadyExists"/> when one with its keys exists. The response's ETag is the new version.</summary>
    public virtual async Task<Response> AddEntityAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : ITableEntity
    {
        using var message = CreateRequest(RequestMethod.Post, _escapedName, body: TableEntitySerializer.Serialize(entity));
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        return await _context.SendAsync(message, cancellationToken);
    }

    /// <summary>Inserts an entity; false (instead of an exception) when one with its keys already exists.</summary>
    public virtual async Task<bool> TryAddEntityAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : ITableEntity
    {
        try
        {
            await AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == TableErrorCode.EntityAlreadyExists)
        {
            return false;
        }
    }

    /// <summary>Inserts or updates an entity without a condition; <paramref name="mode"/> says whether other stored properties are kept (Merge) or dropped (Replace).</summary>
    public virtual async Task<Response> UpsertEntityAsync<T>(T entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
        where T : ITableEntity
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateRequest(MethodFor(mode), TableUri.EntityPath(_escapedName, entity.PartitionKey, entity.RowKey), body: TableEntitySerializer.Serialize(entity));
        return await _context.SendAsync(message, cancellationToken);
    }

    /// <summary>
    /// Updates an existing entity if its ETag still matches <paramref name="ifMatch"/> (412 UpdateConditionNotSatisfied
    /// otherwise; 404 if it is gone). Pass <see cref="ETag.All"/> to update unconditionally.
    /// </summary>
    public virtual async Task<Response> UpdateEntityAsync<T>(T entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
        where T : ITableEntity
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (ifMatch == default)
        {
            throw new ArgumentException("An update needs an ETag to match; pass ETag.All to update unconditionally.", nameof(ifMatch));
        }

        using var message = CreateRequest(MethodFor(mode), TableUri.EntityPath(_escapedName, entity.PartitionKey, entity.RowKey), body: TableEntitySerializer.Serialize(entity));
        message.Request.Headers.SetValue("If-Match", ifMatch.ToString());
        return await _context.SendAsync(message, cancellationToken);
    }

    /// <summary>
    /// Deletes an entity if its ETag matches <paramref name="ifMatch"/> (412 otherwise); the default deletes
    /// unconditionally. A missing entity is 404 ResourceNotFound.
    /// </summary>
    public virtual async Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        using var message = CreateRequest(RequestMethod.Delete, TableUri.EntityPath(_escapedName, partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", ifMatch == default ? "*" : ifMatch.ToString());
        return await _context.SendAsync(message, cancellationToken);
    }

    /// <summary>Deletes the entity with this entity's keys, if its ETag matches <paramref name="ifMatch"/> (default: unconditionally).</summary>
    public virtual Task<Response> DeleteEntityAsync(ITableEntity entity, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ifMatch, cancellationToken);
    }

    /// <summary>Reads one entity (optionally only the <paramref name="select"/>ed properties); 404 ResourceNotFound when it does not exist.</summary>
    public virtual async Task<Response<T>> GetEntityAsync<T>(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
        where T : class, ITableEntity, new()
    {
        using var message = CreateGetEntityMessage(partitionKey, rowKey, select);
        var response = await _context.SendAsync(message, cancellationToken);
        return Response.FromValue(ReadEntity<T>(response), response);
    }

    /// <summary>Reads one entity, or a response without a value (<see cref="NullableResponse{T}.HasValue"/> false) when it does not exist.</summary>
    public virtual async Task<NullableResponse<T>> GetEntityIfExistsAsync<T>(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
        where T : class, ITableEntity, new()
    {
        using var message = CreateGetEntityMessage(partitionKey, rowKey, select);
        var response = await SendNoThrowAsync(message, cancellationToken);
        if (response.Status == 404)
        {
            return new TableNullableResponse<T>(response, null);
        }

        return response.Status >= 400
            ? throw StorageServiceContext.CreateException(response)
            : new TableNullableResponse<T>(response, ReadEntity<T>(response));
    }

    /// <summary>
    /// Queries entities: an OData <paramref name="filter"/> (see <see cref="CreateQueryFilter"/>), at most
    /// <paramref name="maxPerPage"/> per page (the service caps pages at 1,000), and optionally only some properties.
    /// Pages follow the service's continuation tokens; a page's token can be given back to <c>AsPages(token)</c> to resume.
    /// </summary>
    public virtual AsyncPageable<T> QueryAsync<T>(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
        where T : class, ITableEntity, new()
    {
        var selectList = select is null ? null : string.Join(',', select);
        return new TablePageable<T>((token, pageSize, ct) => QueryPageAsync<T>(filter, pageSize, selectList, token, ct), maxPerPage, cancellationToken);
    }

    /// <summary>
    /// Queries entities matching a predicate, translated to an OData filter: comparisons of properties with values,
    /// <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, and <c>string.CompareTo(..) op 0</c> for ranges. Anything else throws <see cref="NotSupportedException"/>.
    /// </summary>
    public virtual AsyncPageable<T> QueryAsync<T>(System.Linq.Expressions.Expression<Func<T, bool>> filter, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
        where T : class, ITableEntity, new() =>
        QueryAsync<T>(TableExpressionFilter.Translate(filter), maxPerPage, select, cancellationToken);

    private async Task<Page<T>> QueryPageAsync<T>(string? filter, int? pageSize, string? select, string? continuationToken, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var query = new StringBuilder();
        void Add(string name, string value) => query.Append(query.Length == 0 ? string.Empty : "&").Append(name).Append('=').Append(Uri.EscapeDataString(value));
        if (!string.IsNullOrEmpty(filter))
        {
            Add("$filter", filter);
        }

        if (pageSize is { } top)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(top, 1, nameof(pageSize));
            // The service returns at most 1,000 entities per page whatever is asked; never ask for more.
            Add("$top", Math.Min(top, MaxPageSize).ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(select))
        {
            Add("$select", select);
        }

        if (!string.IsNullOrEmpty(continuationToken))
        {
            var (nextPartitionKey, nextRowKey) = ParseContinuationToken(continuationToken);
            Add("NextPartitionKey", nextPartitionKey);
            if (nextRowKey is not null)
            {
                Add("NextRowKey", nextRowKey);
            }
        }

        using var message = CreateRequest(RequestMethod.Get, _escapedName + "()", query.ToString());
        var response = await _context.SendAsync(message, cancellationToken);
        using var json = JsonDocument.Parse(response.Content.ToMemory());
        var values = json.RootElement.TryGetProperty("value", out var array)
            ? array.EnumerateArray().Select(e => TableEntitySerializer.Deserialize<T>(e)).ToList()
            : [];
        return Page<T>.FromValues(values, ContinuationToken(response), response);
    }

    /// <summary>The token of the next page ("NextPartitionKey NextRowKey", as the official SDK), or null at the end.</summary>
    private static string? ContinuationToken(Response response)
    {
        if (!response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPartitionKey) || string.IsNullOrEmpty(nextPartitionKey))
        {
            return null;
        }

        return response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRowKey) && !string.IsNullOrEmpty(nextRowKey)
            ? nextPartitionKey + " " + nextRowKey
            : nextPartitionKey;
    }

    private static (string PartitionKey, string? RowKey) ParseContinuationToken(string token)
    {
        var space = token.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (token, null) : (token[..space], token[(space + 1)..]);
    }

    private HttpMessage CreateGetEntityMessage(string partitionKey, string rowKey, IEnumerable<string>? select)
    {
        var query = select is null ? null : "$select=" + Uri.EscapeDataString(string.Join(',', select));
        return CreateRequest(RequestMethod.Get, TableUri.EntityPath(_escapedName, partitionKey, rowKey), query);
    }

    private static T ReadEntity<T>(Response response)
        where T : class, ITableEntity, new()
    {
        using var json = JsonDocument.Parse(response.Content.ToMemory());
        return TableEntitySerializer.Deserialize<T>(json.RootElement, response.Headers.ETag ?? default);
    }

    internal static RequestMethod MethodFor(TableUpdateMode mode) => mode == TableUpdateMode.Replace ? RequestMethod.Put : new RequestMethod("MERGE");

    private HttpMessage CreateRequest(RequestMethod method, string escapedPath, string? query = null, byte[]? body = null) =>
        CreateTableRequest(_context, method, escapedPath, query, body);

    internal static HttpMessage CreateTableRequest(StorageServiceContext context, RequestMethod method, string escapedPath, string? query = null, byte[]? body = null)
    {
        var message = context.CreateMessage(method, context.BuildUri(escapedPath, query));
        var headers = message.Request.Headers;
        headers.SetValue("Accept", JsonMinimalMetadata);
        headers.SetValue("DataServiceVersion", "3.0");
        headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        if (body is not null)
        {
            headers.SetValue("Content-Type", JsonNoMetadata);
            message.Request.Content = RequestContent.Create(body);
        }

        return message;
    }

    private async Task<Response> SendNoThrowAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _context.Pipeline.SendAsync(message, cancellationToken);
        return message.Response;
    }
}
