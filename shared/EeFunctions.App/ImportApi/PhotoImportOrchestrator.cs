using Microsoft.DurableTask;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// One Import API import: Fetch (download through the SSRF guard, sniff, identify, store the original, and from one
/// decode the working copy: the largest thumbnail, upright) → one Thumbnail activity per size, side by side, each
/// storing its size from the working copy → Register the image (dropping the working copy) and complete the import.
/// Any failure removes what was stored and marks the import failed with the reason.
/// </summary>
[DurableTask(Name)]
public sealed class PhotoImportOrchestrator : TaskOrchestrator<PhotoImportInput, PhotoImportOutcome>
{
    public const string Name = "ImportApi_PhotoImport";

    /// <summary>The long sides of the thumbnails each image gets.</summary>
    public static readonly IReadOnlyList<int> ThumbnailSizes = [256, 1024];

    public override async Task<PhotoImportOutcome> RunAsync(TaskOrchestrationContext context, PhotoImportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var createdAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        try
        {
            var fetched = await context.CallActivityAsync<FetchedPhoto>(FetchPhotoActivity.Name, new FetchPhotoInput(input.ImportId, input.ImageId, input.Url, input.SealedHeaders, ThumbnailSizes.Max()));
            var thumbnails = await Task.WhenAll(ThumbnailSizes.Select(size =>
                context.CallActivityAsync<ThumbnailFacts>(PhotoThumbnailActivity.Name, new PhotoThumbnailInput(input.ImageId, size, fetched.WorkingCopy))));
            await context.CallActivityAsync<string>(RegisterPhotoActivity.Name, new RegisterPhotoInput(input, fetched.Photo, thumbnails, createdAt));
            return new PhotoImportOutcome(ImportStatus.Completed, input.ImageId, null);
        }
        catch (TaskFailedException ex)
        {
            var error = Reason(ex);
            await context.CallActivityAsync<bool>(FailPhotoImportActivity.Name, new FailPhotoImportInput(input.ImportId, input.ImageId, input.OrganizationId, input.AlbumId, createdAt, error));
            return new PhotoImportOutcome(ImportStatus.Failed, null, error);
        }
    }

    private static string Reason(TaskFailedException ex)
    {
        var details = ex.FailureDetails;
        while (details.InnerFailure is { } inner && details.ErrorType == typeof(TaskFailedException).FullName)
        {
            details = inner;
        }

        return details.ErrorMessage;
    }
}
