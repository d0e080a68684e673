using System.Text.Json.Nodes;

namespace EeFunctions.Infra.Tests;

/// <summary>What a deployment of infra/main.bicep creates: a Flex Consumption app on identity-based storage.</summary>
public sealed class MainTemplateTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    [Fact]
    public void The_template_compiles_without_linter_warnings()
    {
        Assert.Equal(string.Empty, compiled.Diagnostics.Trim());
    }

    [Fact]
    public void The_app_is_a_dotnet_isolated_function_app_on_a_Flex_Consumption_plan_with_the_user_assigned_identity()
    {
        var (plan, _) = Assert.Single(compiled.OfType("Microsoft.Web/serverfarms"));
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);

        var (app, _) = Assert.Single(compiled.OfType("Microsoft.Web/sites"));
        Assert.Equal("functionapp,linux", (string?)app["kind"]);
        Assert.Equal("UserAssigned", (string?)app["identity"]!["type"]);
        var config = app["properties"]!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Single(compiled.OfType("Microsoft.ManagedIdentity/userAssignedIdentities"));
    }

    [Fact]
    public void The_storage_account_refuses_shared_keys_and_the_identity_holds_the_three_data_roles_Durable_Functions_needs()
    {
        var (account, _) = Assert.Single(compiled.OfType("Microsoft.Storage/storageAccounts"));
        Assert.False(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());

        var (assignment, template) = Assert.Single(compiled.OfType("Microsoft.Authorization/roleAssignments"), r => r.Template["variables"]?["roles"] is not null);
        Assert.NotNull(assignment["copy"]);
        var roles = template["variables"]!["roles"]!.AsObject().Select(p => (string?)p.Value).ToHashSet();
        Assert.Equal(new HashSet<string?> { BlobDataOwner, QueueDataContributor, TableDataContributor }, roles);
        Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]);
    }

    [Fact]
    public void AzureWebJobsStorage_is_identity_based_on_the_accounts_three_service_uris()
    {
        var settings = AppSettings();

        Assert.Contains("blob", settings["AzureWebJobsStorage__blobServiceUri"], StringComparison.Ordinal);
        Assert.Contains("queue", settings["AzureWebJobsStorage__queueServiceUri"], StringComparison.Ordinal);
        Assert.Contains("table", settings["AzureWebJobsStorage__tableServiceUri"], StringComparison.Ordinal);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Contains("identityClientId", settings["AzureWebJobsStorage__clientId"], StringComparison.Ordinal);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain(settings.Values, v => v.Contains("AccountKey", StringComparison.OrdinalIgnoreCase) || v.Contains("listKeys", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Application_Insights_is_wired_in_with_the_identity()
    {
        Assert.Single(compiled.OfType("Microsoft.Insights/components"));
        var settings = AppSettings();

        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings.Keys);
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eeSigningKey", "EarthEngine__Auth__SigningKey")]
    [InlineData("durableSystemKey", "DurableTask__SystemKey")]
    [InlineData("importHeaderKey", "ImportApi__HeaderKey")]
    public void Secrets_are_secure_parameters_without_defaults_and_reach_their_settings(string parameter, string setting)
    {
        var declared = compiled.Template["parameters"]![parameter]!;
        Assert.Equal("securestring", (string?)declared["type"]);
        Assert.Null(declared["defaultValue"]);

        Assert.Contains(parameter, AppSettings()[setting], StringComparison.Ordinal);
    }

    [Fact]
    public void The_drop_container_is_an_app_setting_and_the_storage_account_an_output_for_the_Event_Grid_step()
    {
        Assert.Contains("dropContainer", AppSettings()["EarthEngine__DropContainer"], StringComparison.Ordinal);
        Assert.NotNull(compiled.Template["outputs"]!["storageAccountName"]);
    }

    [Fact]
    public void The_Earth_Engine_token_issuer_and_audience_are_parameters()
    {
        var settings = AppSettings();

        Assert.Contains("eeIssuer", settings["EarthEngine__Auth__Issuer"], StringComparison.Ordinal);
        Assert.Contains("eeAudience", settings["EarthEngine__Auth__Audience"], StringComparison.Ordinal);
    }

    private Dictionary<string, string> AppSettings()
    {
        var (app, _) = Assert.Single(compiled.OfType("Microsoft.Web/sites"));
        return app["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToJsonString().Trim('"'));
    }
}
