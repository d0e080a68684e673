namespace EeFunctions.SelfHost;

/// <summary>The WebJobs host's functions: the blob-drop entry points only.</summary>
internal sealed class BlobDropTypeLocator : Microsoft.Azure.WebJobs.ITypeLocator
{
    public IReadOnlyList<Type> GetTypes() => [typeof(BlobDropFunctions)];
}
