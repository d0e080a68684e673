using Microsoft.DurableTask;

namespace EeFunctions.App.ImportApi;

/// <summary>Removes whatever a failed import stored (blobs, image rows) and marks it failed with the reason.</summary>
[DurableTask(Name)]
public sealed class FailPhotoImportActivity(ImageStore images, ImportStore imports, ImportApiBlobs blobs, IHostApplicationLifetime lifetime) : TaskActivity<FailPhotoImportInput, bool>
{
    public const string Name = "ImportApi_Fail";

    public override async Task<bool> RunAsync(TaskActivityContext context, FailPhotoImportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = lifetime.ApplicationStopping;
        await blobs.DeleteImageAsync(input.ImageId, cancellationToken);
        await images.DeleteAsync(input.ImageId, input.OrganizationId, input.AlbumId, input.CreatedAt, cancellationToken);
        await imports.UpdateAsync(input.ImportId, r => r with { Status = ImportStatus.Failed, ImportType = "url", ImageId = null, Error = input.Error }, cancellationToken);
        return true;
    }
}
