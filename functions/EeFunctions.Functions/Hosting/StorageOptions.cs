using System.ComponentModel.DataAnnotations;
using EeFunctions.Storage;

namespace EeFunctions.Functions.Hosting;

/// <summary>The storage account the app runs on: <c>Values.AzureWebJobsStorage</c>, as on Azure Functions.</summary>
public sealed class StorageOptions : IValidatableObject
{
    /// <summary>The setting that holds the connection string.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    [Required(ErrorMessage = "AzureWebJobsStorage is not set: put a connection string in local.settings.json Values or the environment.")]
    public string ConnectionString { get; set; } = string.Empty;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(ConnectionString))
        {
            yield break;
        }

        string? error = null;
        try
        {
            StorageConnectionString.Parse(ConnectionString);
        }
        catch (FormatException ex)
        {
            error = "AzureWebJobsStorage: " + ex.Message;
        }

        if (error is not null)
        {
            yield return new ValidationResult(error, [nameof(ConnectionString)]);
        }
    }
}
