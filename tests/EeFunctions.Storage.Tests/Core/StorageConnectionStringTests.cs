namespace EeFunctions.Storage.Tests.Core;

public sealed class StorageConnectionStringTests
{
    private const string Key = StorageConnectionString.DevelopmentAccountKey;

    public static TheoryData<string, string> MalformedStrings => new()
    {
        { "   ", "empty" },
        { "AccountName=acct;AccountKey", "AccountKey" },
        { "AccountName=acct;Bogus=1;AccountKey=" + Key, "Bogus" },
        { "AccountName=acct;AccountName=other;AccountKey=" + Key, "AccountName" },
        { "UseDevelopmentStorage=false", "UseDevelopmentStorage" },
        { "UseDevelopmentStorage=yes", "UseDevelopmentStorage" },
        { "AccountKey=" + Key, "AccountName" },
        { "AccountName=acct;AccountKey=not base64!", "AccountKey" },
        { "AccountName=acct;AccountKey=" + Key + ";SharedAccessSignature=sv=2019-12-12&sig=abc", "SharedAccessSignature" },
        { "AccountName=acct;SharedAccessSignature=sv=2019-12-12&sp=r", "sig=" },
        { "DefaultEndpointsProtocol=ftp;AccountName=acct;AccountKey=" + Key, "DefaultEndpointsProtocol" },
        { "AccountName=acct;AccountKey=" + Key + ";EndpointSuffix=core/windows", "EndpointSuffix" },
        { "AccountName=acct;AccountKey=" + Key + ";BlobEndpoint=not a url", "BlobEndpoint" },
        { "AccountName=acct;AccountKey=" + Key + ";TableEndpoint=ftp://x/y", "TableEndpoint" },
        { "SharedAccessSignature=sv=1&sig=abc;BlobEndpoint=http://127.0.0.1:10000/a", "QueueEndpoint" },
        { "AccountName=acct", "credential" },
    };

    [Theory]
    [MemberData(nameof(MalformedStrings))]
    public void Malformed_connection_string_throws_FormatException_naming_the_bad_part(string connectionString, string namedPart)
    {
        var ex = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));

        Assert.Contains(namedPart, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_connection_string_message_does_not_leak_the_account_key()
    {
        var ex = Assert.Throws<FormatException>(() => StorageConnectionString.Parse("AccountName=acct;Whatever;AccountKey=" + Key));

        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_storage_shortcut_points_at_local_Azurite_with_the_well_known_key()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.NotNull(parsed.SharedKeyCredential);
    }

    [Fact]
    public void Account_name_and_key_derive_endpoints_from_protocol_and_suffix()
    {
        var parsed = StorageConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=myacct;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal("myacct", parsed.AccountName);
        Assert.Equal("myacct", parsed.SharedKeyCredential!.AccountName);
        Assert.Equal(new Uri("https://myacct.blob.core.chinacloudapi.cn"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://myacct.queue.core.chinacloudapi.cn"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("https://myacct.table.core.chinacloudapi.cn"), parsed.TableEndpoint);
        Assert.Null(parsed.SharedAccessSignature);
    }

    [Fact]
    public void Default_suffix_is_the_public_cloud_and_keys_are_case_insensitive_with_stray_separators()
    {
        var parsed = StorageConnectionString.Parse($" accountname=myacct ;; ACCOUNTKEY={Key};");

        Assert.Equal(new Uri("https://myacct.queue.core.windows.net"), parsed.QueueEndpoint);
    }

    [Fact]
    public void Explicit_endpoints_win_over_derived_ones()
    {
        var parsed = StorageConnectionString.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            "BlobEndpoint=http://127.0.0.1:5000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:5001/devstoreaccount1;TableEndpoint=http://127.0.0.1:5002/devstoreaccount1");

        Assert.Equal(5000, parsed.BlobEndpoint.Port);
        Assert.Equal(5001, parsed.QueueEndpoint.Port);
        Assert.Equal(5002, parsed.TableEndpoint.Port);
    }

    [Fact]
    public void Shared_access_signature_string_keeps_the_token_and_needs_no_key()
    {
        var parsed = StorageConnectionString.Parse(
            "QueueEndpoint=https://myacct.queue.core.windows.net;BlobEndpoint=https://myacct.blob.core.windows.net;" +
            "TableEndpoint=https://myacct.table.core.windows.net;SharedAccessSignature=?sv=2019-12-12&ss=q&srt=sco&sp=r&se=2030-01-01T00:00:00Z&sig=abc%3D");

        Assert.Null(parsed.SharedKeyCredential);
        Assert.Equal("sv=2019-12-12&ss=q&srt=sco&sp=r&se=2030-01-01T00:00:00Z&sig=abc%3D", parsed.SharedAccessSignature);
        Assert.Equal("myacct", parsed.AccountName);
    }
}
