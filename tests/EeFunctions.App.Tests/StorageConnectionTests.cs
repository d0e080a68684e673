using System.ComponentModel.DataAnnotations;
using Azure.Identity;
using EeFunctions.App.Hosting;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Tests;

/// <summary>The AzureWebJobsStorage connection in every form Azure Functions accepts, and each mistake named.</summary>
public sealed class StorageConnectionTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static (StorageOptions Options, List<string> Errors) Read(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new StorageOptions();
        StorageOptions.Bind(configuration, options);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return (options, results.Select(r => r.ErrorMessage!).ToList());
    }

    private static StorageConnection Connect(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddAzureClientsCore();
        services.AddOptions<StorageOptions>().Configure(o => StorageOptions.Bind(configuration, o)).ValidateDataAnnotations();
        services.AddSingleton<StorageConnection>();
        return services.BuildServiceProvider().GetRequiredService<StorageConnection>();
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + Key + ";EndpointSuffix=core.windows.net")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Key + ";BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:2/devstoreaccount1;TableEndpoint=http://127.0.0.1:3/devstoreaccount1;")]
    [InlineData("BlobEndpoint=https://acct.blob.core.windows.net/;QueueEndpoint=https://acct.queue.core.windows.net/;TableEndpoint=https://acct.table.core.windows.net/;SharedAccessSignature=sv=2024-08-04&ss=bqt&srt=sco&sp=rwdlacu&se=2030-01-01T00:00:00Z&sig=abc")]
    public void Every_connection_string_form_is_accepted_and_is_not_identity_based(string connectionString)
    {
        var (options, errors) = Read(new() { ["AzureWebJobsStorage"] = connectionString });

        Assert.Empty(errors);
        Assert.False(options.IsIdentityBased);
        var connection = Connect(new() { ["AzureWebJobsStorage"] = connectionString });
        Assert.Null(connection.Credential);
        Assert.NotNull(connection.CreateTaskHubProvider());
    }

    [Fact]
    public void The_account_key_connection_clients_can_sign_a_SAS_and_reach_the_named_account()
    {
        var connection = Connect(new() { ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + Key + ";EndpointSuffix=core.windows.net" });

        var blobs = connection.CreateBlobServiceClient(new());

        Assert.True(blobs.CanGenerateAccountSasUri);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net/"), blobs.Uri);
        Assert.Equal(new Uri("https://acct.table.core.windows.net/"), connection.CreateTableServiceClient(new()).Uri);
    }

    [Theory]
    [InlineData("AccountName=x;Bogus=1")]
    [InlineData("not a connection string")]
    public void A_malformed_connection_string_is_refused_naming_the_setting(string connectionString)
    {
        var (_, errors) = Read(new() { ["AzureWebJobsStorage"] = connectionString });

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.StartsWith("AzureWebJobsStorage", e, StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains(connectionString, StringComparison.Ordinal));
    }

    [Fact]
    public void A_SAS_connection_string_without_a_table_endpoint_is_refused_naming_the_table_service()
    {
        var (_, errors) = Read(new() { ["AzureWebJobsStorage"] = "BlobEndpoint=https://acct.blob.core.windows.net/;QueueEndpoint=https://acct.queue.core.windows.net/;SharedAccessSignature=sv=2024-08-04&sig=abc" });

        var error = Assert.Single(errors);
        Assert.Contains("table service", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_account_name_alone_is_an_identity_based_connection_to_its_public_cloud_endpoints()
    {
        var (options, errors) = Read(new() { ["AzureWebJobsStorage:accountName"] = "myacct" });

        Assert.Empty(errors);
        Assert.True(options.IsIdentityBased);
        Assert.Equal(new Uri("https://myacct.blob.core.windows.net/"), options.BlobUri);
        Assert.Equal(new Uri("https://myacct.queue.core.windows.net/"), options.QueueUri);
        Assert.Equal(new Uri("https://myacct.table.core.windows.net/"), options.TableUri);
    }

    [Fact]
    public void Service_uris_with_a_user_assigned_managed_identity_make_a_managed_identity_credential()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:blobServiceUri"] = "https://acct.blob.core.windows.net",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://acct.queue.core.windows.net",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://acct.table.core.windows.net",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        };
        Assert.Empty(Read(settings).Errors);

        var connection = Connect(settings);

        Assert.True(connection.IsIdentityBased);
        Assert.IsType<ManagedIdentityCredential>(connection.Credential);
        var blobs = connection.CreateBlobServiceClient(new());
        Assert.Equal(new Uri("https://acct.blob.core.windows.net/"), blobs.Uri);
        Assert.False(blobs.CanGenerateAccountSasUri);
        Assert.NotNull(connection.CreateTaskHubProvider());
    }

    [Fact]
    public void Without_a_credential_setting_the_default_credential_chain_is_used()
    {
        var connection = Connect(new() { ["AzureWebJobsStorage:accountName"] = "myacct" });

        Assert.IsType<DefaultAzureCredential>(connection.Credential);
    }

    [Fact]
    public void An_explicit_service_uri_wins_over_the_account_names_default()
    {
        var (options, errors) = Read(new()
        {
            ["AzureWebJobsStorage:accountName"] = "myacct",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://tables.example.net/",
        });

        Assert.Empty(errors);
        Assert.Equal(new Uri("https://tables.example.net/"), options.TableUri);
        Assert.Equal(new Uri("https://myacct.blob.core.windows.net/"), options.BlobUri);
    }

    [Theory]
    [InlineData("blobServiceUri", "not a uri", "AzureWebJobsStorage__blobServiceUri is not an absolute URI")]
    [InlineData("queueServiceUri", "http://acct.queue.core.windows.net", "AzureWebJobsStorage__queueServiceUri 'http://acct.queue.core.windows.net/' is not https")]
    [InlineData("tableServiceUri", "", "AzureWebJobsStorage__tableServiceUri is not set")]
    [InlineData("credential", "password", "AzureWebJobsStorage__credential 'password' is not one of")]
    public void Each_malformed_identity_setting_is_named_in_its_error(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:blobServiceUri"] = "https://acct.blob.core.windows.net",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://acct.queue.core.windows.net",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://acct.table.core.windows.net",
        };
        settings["AzureWebJobsStorage:" + key] = value;

        var error = Assert.Single(Read(settings).Errors);

        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("My_Account")]
    [InlineData("ab")]
    public void An_invalid_account_name_is_named_in_its_error(string account)
    {
        var errors = Read(new() { ["AzureWebJobsStorage:accountName"] = account }).Errors;

        Assert.Contains(errors, e => e.StartsWith($"AzureWebJobsStorage__accountName '{account}' is not a storage account name", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_a_blob_service_uri_is_incomplete_and_the_missing_ones_are_named()
    {
        var errors = Read(new() { ["AzureWebJobsStorage:blobServiceUri"] = "https://acct.blob.core.windows.net" }).Errors;

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("AzureWebJobsStorage__queueServiceUri is not set", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("AzureWebJobsStorage__tableServiceUri is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void No_setting_at_all_says_what_to_set()
    {
        var error = Assert.Single(Read([]).Errors);

        Assert.StartsWith("AzureWebJobsStorage is not set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workload_identity_missing_its_settings_stops_the_connection_naming_it()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Connect(new()
        {
            ["AzureWebJobsStorage:accountName"] = "myacct",
            ["AzureWebJobsStorage:credential"] = "workloadidentity",
        }));

        Assert.StartsWith("AzureWebJobsStorage: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tokenFilePath", ex.Message, StringComparison.Ordinal);
    }
}
