using EeFunctions.App.ImportApi;
using Microsoft.Extensions.Options;

namespace EeFunctions.ImportApi.Tests;

/// <summary>Derived ids, sealed download headers and the seed's timestamp format.</summary>
public sealed class ImportKeysAndSealingTests
{
    private static readonly HeaderSealer s_sealer = new(Options.Create(new ImportApiOptions { HeaderKey = ImportApiHost.HeaderKey }));

    [Fact]
    public void One_client_and_idempotency_key_always_give_one_import_id_and_another_client_another()
    {
        Assert.Equal(ImportKeys.ImportIdFor("c1", "k"), ImportKeys.ImportIdFor("c1", "k"));
        Assert.NotEqual(ImportKeys.ImportIdFor("c1", "k"), ImportKeys.ImportIdFor("c2", "k"));
        Assert.True(Guid.TryParse(ImportKeys.ImportIdFor("c1", "k"), out _));
        Assert.NotEqual(ImportKeys.ImportIdFor("c1", "k"), ImportKeys.ImageIdFor(ImportKeys.ImportIdFor("c1", "k")));
    }

    [Fact]
    public void Sealed_headers_open_for_their_import_only_and_hold_no_clear_text()
    {
        var sealedHeaders = s_sealer.Seal("import-1", new Dictionary<string, string> { ["Authorization"] = "Bearer top-secret" });

        Assert.DoesNotContain("top-secret", sealedHeaders, StringComparison.Ordinal);
        Assert.Equal("Bearer top-secret", s_sealer.Open("import-1", sealedHeaders)["Authorization"]);
        Assert.Throws<InvalidOperationException>(() => s_sealer.Open("import-2", sealedHeaders));
    }

    [Fact]
    public void No_headers_seal_to_nothing_and_a_server_without_a_key_refuses_headers_only()
    {
        Assert.Null(s_sealer.Seal("i", new Dictionary<string, string>()));
        var keyless = new HeaderSealer(Options.Create(new ImportApiOptions()));

        Assert.Null(keyless.Seal("i", new Dictionary<string, string>()));
        Assert.Equal(422, Assert.Throws<ImportApiException>(() => keyless.Seal("i", new Dictionary<string, string> { ["A"] = "b" })).Status);
    }

    [Fact]
    public void Times_are_written_with_milliseconds_and_the_offset()
    {
        var time = new DateTimeOffset(2019, 4, 8, 19, 38, 57, 714, TimeSpan.FromHours(2));

        Assert.Equal("2019-04-08T19:38:57.714+02:00", ImportRecord.Timestamp(time));
    }
}
