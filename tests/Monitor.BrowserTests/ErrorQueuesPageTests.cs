using System.Text;
using Microsoft.Playwright;
using Monitor.Testing;
using RabbitMQ.Client;

namespace Monitor.BrowserTests;

/// <summary>
/// The admin's error queues page against the distributed setup's RabbitMQ: a failed message is listed with its count,
/// shown with the error that put it there, and replayed into its queue with the button.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class ErrorQueuesPageTests(DashboardFixture fixture)
{
    // A queue no worker consumes, so the replayed message stays where the test can count it.
    private const string Queue = "browser-check";

    [Fact]
    public async Task A_failed_message_is_shown_with_its_error_and_replayed_from_the_page()
    {
        var rabbit = fixture.Topology.Rabbit;
        var broker = new Uri($"amqp://{Uri.EscapeDataString(rabbit.Username)}:{Uri.EscapeDataString(rabbit.Password)}@{rabbit.Host}:{rabbit.Port}/{Uri.EscapeDataString(rabbit.Name)}");
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(Queue + "_error", durable: true, exclusive: false, autoDelete: false);
        var properties = new BasicProperties
        {
            MessageId = "browser-check-1",
            Persistent = true,
            Headers = new Dictionary<string, object?>
            {
                ["MT-Fault-ExceptionType"] = "System.InvalidOperationException",
                ["MT-Fault-Message"] = "The statement could not be stored: <b>bold</b> stays text",
                ["MT-Fault-Timestamp"] = "2026-12-06T00:00:00Z",
            },
        };
        await channel.BasicPublishAsync("", Queue + "_error", false, properties,
            Encoding.UTF8.GetBytes("""{"messageId":"browser-check-1","messageType":["urn:message:Monitor.Contracts:StatementTagged"],"message":{}}"""));

        await using var context = await fixture.NewSignedInContextAsync();
        var watch = await PageWatch.OpenAsync(context);
        var page = watch.Page;
        await page.GotoAsync("errors.html");
        var card = page.Locator($"#error-queues > li.error-queue[data-queue='{Queue}_error']");

        // RabbitMQ's management API counts with its statistics interval (5 s): refresh until the count shows.
        for (var attempt = 0; attempt < 30 && !(await card.CountAsync() == 1 && (await card.InnerTextAsync()).Contains("1 message", StringComparison.Ordinal)); attempt++)
        {
            await page.WaitForTimeoutAsync(1000);
            await page.Locator("#errors-refresh").ClickAsync();
        }

        await Assertions.Expect(card.Locator(".card-flags")).ToHaveTextAsync("1 message");
        await card.GetByRole(AriaRole.Button, new() { Name = $"Show messages of {Queue}_error" }).ClickAsync();
        await Assertions.Expect(card.Locator(".error-reason")).ToHaveTextAsync("System.InvalidOperationException: The statement could not be stored: <b>bold</b> stays text");
        await Assertions.Expect(card.Locator(".error-message strong")).ToHaveTextAsync("urn:message:Monitor.Contracts:StatementTagged");

        await card.GetByRole(AriaRole.Button, new() { Name = $"Replay all of {Queue}_error" }).ClickAsync();
        await Assertions.Expect(page.Locator("#errors-status")).ToHaveTextAsync($"Replayed 1 messages into {Queue}.");
        Assert.Equal(0u, (await channel.QueueDeclarePassiveAsync(Queue + "_error")).MessageCount);
        Assert.Equal(1u, (await channel.QueueDeclarePassiveAsync(Queue)).MessageCount);
        watch.AssertNoProblems("errors.html");
    }
}
