namespace EeFunctions.Storage.Queues;

/// <summary>Splits a queue URL (<c>{service}/{queue}[?sas]</c>) into the service endpoint (keeping the SAS) and the queue name.</summary>
internal static class QueueUri
{
    public static (Uri ServiceUri, string QueueName) Split(Uri queueUri)
    {
        ArgumentNullException.ThrowIfNull(queueUri);
        var path = queueUri.AbsolutePath.TrimEnd('/');
        var slash = path.LastIndexOf('/');
        var name = Uri.UnescapeDataString(path[(slash + 1)..]);
        if (name.Length == 0)
        {
            throw new ArgumentException($"The queue URL '{queueUri.GetLeftPart(UriPartial.Path)}' does not name a queue.", nameof(queueUri));
        }

        var service = new UriBuilder(queueUri) { Path = path[..Math.Max(slash, 0)] }.Uri;
        return (service, name);
    }
}
