namespace EeFunctions.EarthEngine.Auth;

/// <summary>Earth Engine IAM permission names, as carried in the <c>ee_permissions</c> token claim.</summary>
public static class EePermissions
{
    public const string ImportsCreate = "earthengine.imports.create";
    public const string ExportsCreate = "earthengine.exports.create";
    public const string OperationsGet = "earthengine.operations.get";
    public const string OperationsList = "earthengine.operations.list";
    public const string OperationsUpdate = "earthengine.operations.update";
    public const string OperationsDelete = "earthengine.operations.delete";
    public const string AssetsGet = "earthengine.assets.get";
    public const string AssetsList = "earthengine.assets.list";
    public const string AssetsCreate = "earthengine.assets.create";
    public const string AssetsUpdate = "earthengine.assets.update";
    public const string AssetsDelete = "earthengine.assets.delete";
    public const string ComputationsCreate = "earthengine.computations.create";

    /// <summary>Every permission the service checks (what a dev token grants).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ImportsCreate, ExportsCreate, OperationsGet, OperationsList, OperationsUpdate, OperationsDelete,
        AssetsGet, AssetsList, AssetsCreate, AssetsUpdate, AssetsDelete, ComputationsCreate,
    ];
}
