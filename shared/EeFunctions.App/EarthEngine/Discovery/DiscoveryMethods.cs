namespace EeFunctions.App.EarthEngine.Discovery;

/// <summary>A query parameter of a discovery method: its JSON type and, for integers, the format.</summary>
internal sealed record DiscoveryQueryParameter(string Name, string Type = "string", string? Format = null);

/// <summary>
/// One method of the discovery document. <see cref="Resource"/> is the dotted resource path below the root
/// (<c>projects.operations</c>), <see cref="Path"/> the URI template after the version (<c>{+name}:cancel</c>),
/// <see cref="PathParameter"/> the one <c>{+x}</c> parameter with its pattern.
/// </summary>
internal sealed record DiscoveryMethod(
    string Resource,
    string Name,
    string HttpMethod,
    string Path,
    string FlatPath,
    string PathParameter,
    string PathPattern,
    string? Request,
    string? Response,
    IReadOnlyList<DiscoveryQueryParameter> Query)
{
    public string Id => $"earthengine.{Resource}.{Name}";
}

/// <summary>
/// The methods this service implements (the routes of <c>EarthEngineApi</c>), the same under v1, v1beta and v1alpha.
/// Adding a route means adding one entry here; a test checks every entry answers at its path.
/// </summary>
internal static class DiscoveryMethods
{
    private const string Project = "^projects/[^/]+$";
    private const string Operation = "^projects/[^/]+/operations/.+$";
    private const string Asset = "^projects/[^/]+/assets/.+$";

    private static readonly DiscoveryQueryParameter[] s_paging =
    [
        new("pageSize", "integer", "int32"),
        new("pageToken"),
    ];

    public static IReadOnlyList<DiscoveryMethod> All { get; } =
    [
        new("projects.image", "import", "POST", "{+project}/image:import", "projects/{projectsId}/image:import", "project", Project, "ImportImageRequest", "Operation", []),
        new("projects.image", "export", "POST", "{+project}/image:export", "projects/{projectsId}/image:export", "project", Project, "ExportImageRequest", "Operation", []),
        new("projects.image", "computePixels", "POST", "{+project}/image:computePixels", "projects/{projectsId}/image:computePixels", "project", Project, "ComputePixelsRequest", "HttpBody", []),
        new("projects.thumbnails", "create", "POST", "{+parent}/thumbnails", "projects/{projectsId}/thumbnails", "parent", Project, "Thumbnail", "Thumbnail", []),
        new("projects.thumbnails", "getPixels", "GET", "{+name}:getPixels", "projects/{projectsId}/thumbnails/{thumbnailsId}:getPixels", "name", "^projects/[^/]+/thumbnails/[^/]+$", null, "HttpBody", []),
        new("projects.image", "importExternal", "POST", "{+project}/image:importExternal", "projects/{projectsId}/image:importExternal", "project", Project, "ImportExternalImageRequest", "Empty", []),
        new("projects.operations", "get", "GET", "{+name}", "projects/{projectsId}/operations/{operationsId}", "name", Operation, null, "Operation", []),
        new("projects.operations", "list", "GET", "{+name}/operations", "projects/{projectsId}/operations", "name", Project, null, "ListOperationsResponse", [new("filter"), .. s_paging]),
        new("projects.operations", "cancel", "POST", "{+name}:cancel", "projects/{projectsId}/operations/{operationsId}:cancel", "name", Operation, "CancelOperationRequest", "Empty", []),
        new("projects.operations", "wait", "POST", "{+name}:wait", "projects/{projectsId}/operations/{operationsId}:wait", "name", Operation, "WaitOperationRequest", "Operation", []),
        new("projects.operations", "delete", "DELETE", "{+name}", "projects/{projectsId}/operations/{operationsId}", "name", Operation, null, "Empty", []),
        new("projects.assets", "get", "GET", "{+name}", "projects/{projectsId}/assets/{assetsId}", "name", Asset, null, "EarthEngineAsset", []),
        new("projects.assets", "delete", "DELETE", "{+name}", "projects/{projectsId}/assets/{assetsId}", "name", Asset, null, "Empty", []),
        new("projects.assets", "listAssets", "GET", "{+parent}:listAssets", "projects/{projectsId}/assets/{assetsId}:listAssets", "parent", Asset, null, "ListAssetsResponse", [new("view"), new("filter"), .. s_paging]),
        new("projects", "listAssets", "GET", "{+parent}:listAssets", "projects/{projectsId}:listAssets", "parent", Project, null, "ListAssetsResponse", [new("view"), new("filter"), .. s_paging]),
        new("projects.assets", "getPixels", "POST", "{+name}:getPixels", "projects/{projectsId}/assets/{assetsId}:getPixels", "name", Asset, "GetPixelsRequest", "HttpBody", []),
        new("projects.algorithms", "list", "GET", "{+parent}/algorithms", "projects/{projectsId}/algorithms", "parent", Project, null, "ListAlgorithmsResponse", []),
    ];
}
