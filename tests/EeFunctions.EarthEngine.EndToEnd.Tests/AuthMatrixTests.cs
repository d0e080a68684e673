using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EeFunctions.EarthEngine.Auth;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

[Collection(EeHostGroup.Name)]
public sealed class AuthMatrixTests(EeHostFixture host)
{
    private const string Project = "auth-matrix";
    private const string Operation = "projects/auth-matrix/operations/AAAAAAAAAAAAAAAAAAAAAAAA";

    /// <summary>Every EE route: method, path, body, the permission it needs.</summary>
    public static TheoryData<string, string, string?, string> Routes => new()
    {
        { "POST", $"/v1/projects/{Project}/image:import", "{\"imageManifest\":{\"name\":\"projects/auth-matrix/assets/x\",\"tilesets\":[{\"sources\":[{\"uris\":[\"gs://sources/byte.tif\"]}]}]}}", EePermissions.ImportsCreate },
        { "POST", $"/v1/projects/{Project}/image:importExternal", "{\"imageManifest\":{\"name\":\"projects/auth-matrix/assets/x\",\"tilesets\":[{\"sources\":[{\"uris\":[\"gs://sources/byte.tif\"]}]}]}}", EePermissions.ImportsCreate },
        { "POST", $"/v1/projects/{Project}/image:export", "{}", EePermissions.ExportsCreate },
        { "POST", $"/v1/projects/{Project}/image:computePixels", "{}", EePermissions.ComputationsCreate },
        { "POST", $"/v1/projects/{Project}/thumbnails", "{}", EePermissions.ComputationsCreate },
        { "GET", $"/v1/projects/{Project}/operations", null, EePermissions.OperationsList },
        { "GET", $"/v1/{Operation}", null, EePermissions.OperationsGet },
        { "POST", $"/v1/{Operation}:cancel", "{}", EePermissions.OperationsUpdate },
        { "POST", $"/v1/{Operation}:wait", "{\"timeout\":\"0s\"}", EePermissions.OperationsGet },
        { "DELETE", $"/v1/{Operation}", null, EePermissions.OperationsDelete },
        { "GET", $"/v1/projects/{Project}/assets/some/asset", null, EePermissions.AssetsGet },
        { "POST", $"/v1/projects/{Project}/assets/some/asset:getPixels", "{}", EePermissions.AssetsGet },
        { "DELETE", $"/v1/projects/{Project}/assets/some/asset", null, EePermissions.AssetsDelete },
        { "GET", $"/v1/projects/{Project}/assets/some:listAssets", null, EePermissions.AssetsList },
        { "GET", $"/v1/projects/{Project}:listAssets", null, EePermissions.AssetsList },
        { "GET", $"/v1/projects/{Project}/algorithms", null, EePermissions.ComputationsCreate },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_refuses_missing_bad_expired_foreign_and_underprivileged_tokens(string method, string path, string? body, string permission)
    {
        var others = EePermissions.All.Where(p => p != permission).ToArray();
        var wrongKey = new EeTokenService(new EeAuthOptions { SigningKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("another-signing-key-0123456789-abcdef")) });
        var all = new Dictionary<string, IReadOnlyList<string>> { [Project] = EePermissions.All };
        var cases = new (string Case, string? Token, HttpStatusCode Status, string Canonical)[]
        {
            ("no token", null, HttpStatusCode.Unauthorized, "UNAUTHENTICATED"),
            ("bad signature", wrongKey.Issue("tester", all, TimeSpan.FromHours(1)), HttpStatusCode.Unauthorized, "UNAUTHENTICATED"),
            ("expired", host.Tokens.Issue("tester", all, DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1)), HttpStatusCode.Unauthorized, "UNAUTHENTICATED"),
            ("wrong project", host.Token("some-other-project"), HttpStatusCode.Forbidden, "PERMISSION_DENIED"),
            ("missing permission", host.Token(Project, "tester", others), HttpStatusCode.Forbidden, "PERMISSION_DENIED"),
        };
        foreach (var (name, token, status, canonical) in cases)
        {
            using var client = host.Client(null);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{name} on {method} {path}: {response.StatusCode} {text}");
            var json = JsonNode.Parse(text)!;
            Assert.Equal(canonical, json["error"]!["status"]!.GetValue<string>());
            Assert.Equal((int)status, json["error"]!["code"]!.GetValue<int>());
        }

        // The right token gets past auth (whatever the route then answers, it is not 401/403).
        using var allowed = host.Client(host.Token(Project, "tester", permission));
        using var ok = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            ok.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var final = await allowed.SendAsync(ok);
        Assert.True(final.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {path}: {final.StatusCode}");
    }
}
