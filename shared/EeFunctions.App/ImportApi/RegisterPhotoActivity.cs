using Microsoft.DurableTask;

namespace EeFunctions.App.ImportApi;

/// <summary>Drops the working copy, writes the image record (and its album's copy) and completes the import with its image id.</summary>
[DurableTask(Name)]
public sealed class RegisterPhotoActivity(ImageStore images, ImportStore imports, ImportApiBlobs blobs, IHostApplicationLifetime lifetime) : TaskActivity<RegisterPhotoInput, string>
{
    public const string Name = "ImportApi_Register";

    public override async Task<string> RunAsync(TaskActivityContext context, RegisterPhotoInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = lifetime.ApplicationStopping;
        var import = input.Import;
        await blobs.WorkingCopy(import.ImageId).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await images.PutAsync(new ImageRecord
        {
            Id = import.ImageId,
            AlbumId = import.AlbumId,
            ImportId = import.ImportId,
            OrganizationId = import.OrganizationId,
            Filename = import.Filename,
            Photo = input.Photo,
            Thumbnails = input.Thumbnails,
            MetadataJson = import.MetadataJson,
            CreatedAt = input.CreatedAt,
        }, cancellationToken);
        await imports.UpdateAsync(import.ImportId, r => r with { Status = ImportStatus.Completed, ImportType = "url", ImageId = import.ImageId, Error = null }, cancellationToken);
        return import.ImageId;
    }
}
