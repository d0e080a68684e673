using EeFunctions.Storage.Queues;
using EeFunctions.Testing;

namespace EeFunctions.Storage.Tests.Queues;

/// <summary>Gives each test its own fresh queue on the shared Azurite.</summary>
public abstract class QueueTestBase(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    protected AzuriteFixture Azurite { get; } = azurite;

    protected async Task<QueueClient> NewQueueAsync(IDictionary<string, string>? metadata = null)
    {
        var queue = new QueueClient(Azurite.ConnectionString, AzuriteFixture.UniqueName("q-"));
        await queue.CreateAsync(metadata);
        return queue;
    }

    /// <summary>Receives until a message shows up (for messages that become visible later); fails after a generous deadline.</summary>
    protected static async Task<EeFunctions.Storage.Queues.Models.QueueMessage> ReceiveWhenVisibleAsync(QueueClient queue, TimeSpan? visibilityTimeout = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var received = (await queue.ReceiveMessagesAsync(1, visibilityTimeout)).Value;
            if (received.Length == 1)
            {
                return received[0];
            }

            await Task.Delay(250);
        }

        throw new Xunit.Sdk.XunitException("No message became visible within 30 s.");
    }
}
