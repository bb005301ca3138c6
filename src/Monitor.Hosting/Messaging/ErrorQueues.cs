using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Monitor.Hosting.Messaging;

/// <summary>An error queue and how many messages wait in it.</summary>
public sealed record ErrorQueue(string Name, long Messages);

/// <summary>One message in an error queue: what it was and why MassTransit gave up on it.</summary>
public sealed record FailedMessage(string? MessageId, string? MessageType, string? ExceptionType, string? Reason, string? FailedAt);

/// <summary>
/// The error queues MassTransit fills (<c>&lt;queue&gt;_error</c>) on a RabbitMQ broker: listed and read through the
/// management API (reading requeues, so it changes nothing), replayed over AMQP into the queue they came from. A replayed
/// message is acknowledged in the error queue only after the broker confirmed it in its own queue, so a replay
/// interrupted at any point loses nothing (at worst a message is in both, and every consumer is idempotent).
/// </summary>
public sealed class ErrorQueues(Uri broker, Uri management) : IDisposable
{
    public const string Suffix = "_error";

    // MassTransit's headers for the failure; the message is replayed without them, as it was first sent.
    private static readonly string[] FaultHeaderPrefixes = ["MT-Fault-", "MT-Reason", "MT-Host-"];

    private readonly HttpClient _http = CreateManagementClient(broker, management);
    private readonly string _virtualHost = new ConnectionFactory { Uri = broker }.VirtualHost;

    public async Task<IReadOnlyList<ErrorQueue>> ListAsync(CancellationToken cancellationToken)
    {
        var queues = await _http.GetFromJsonAsync<List<QueueJson>>($"queues/{Uri.EscapeDataString(_virtualHost)}?columns=name,messages", cancellationToken) ?? [];
        return queues.Where(q => q.Name.EndsWith(Suffix, StringComparison.Ordinal))
            .Select(q => new ErrorQueue(q.Name, q.Messages))
            .OrderBy(q => q.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The first <paramref name="count"/> messages of an error queue, left in place.</summary>
    public async Task<IReadOnlyList<FailedMessage>> PeekAsync(string queue, int count, CancellationToken cancellationToken)
    {
        var response = await _http.PostAsJsonAsync($"queues/{Uri.EscapeDataString(_virtualHost)}/{Uri.EscapeDataString(ErrorQueueOf(queue))}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto", truncate = 100_000 }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<List<GotJson>>(cancellationToken) ?? [];
        return messages.Select(Describe).ToList();
    }

    /// <summary>
    /// Moves the messages now in <c>&lt;queue&gt;_error</c> (at most <paramref name="limit"/>) back to
    /// <c>&lt;queue&gt;</c>. Messages that fail again and come back meanwhile are not taken twice in one replay.
    /// </summary>
    /// <returns>How many were moved.</returns>
    public async Task<int> ReplayAsync(string queue, int? limit, CancellationToken cancellationToken)
    {
        var errorQueue = ErrorQueueOf(queue);
        var target = errorQueue[..^Suffix.Length];
        var factory = new ConnectionFactory { Uri = broker, ClientProvidedName = "monitor errors replay" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await channel.QueueDeclarePassiveAsync(target, cancellationToken);
        var waiting = (await channel.QueueDeclarePassiveAsync(errorQueue, cancellationToken)).MessageCount;
        var take = (int)Math.Min(waiting, (uint)Math.Max(0, limit ?? int.MaxValue));
        var moved = 0;
        while (moved < take && await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is { } got)
        {
            var properties = new BasicProperties(got.BasicProperties)
            {
                Headers = got.BasicProperties.Headers?
                    .Where(h => !FaultHeaderPrefixes.Any(prefix => h.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                    .ToDictionary(h => h.Key, h => h.Value),
            };
            try
            {
                await channel.BasicPublishAsync("", target, mandatory: true, properties, got.Body, cancellationToken);
            }
            catch (PublishException)
            {
                await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
                throw;
            }

            await channel.BasicAckAsync(got.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        return moved;
    }

    /// <summary><c>store-statement</c> and <c>store-statement_error</c> both name the error queue of store-statement.</summary>
    public static string ErrorQueueOf(string queue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        return queue.EndsWith(Suffix, StringComparison.Ordinal) ? queue : queue + Suffix;
    }

    public void Dispose() => _http.Dispose();

    private static FailedMessage Describe(GotJson got)
    {
        var headers = got.Properties?.Headers ?? [];
        string? Header(string name) => headers.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        string? messageType = null;
        string? messageId = got.Properties?.MessageId;
        try
        {
            using var envelope = JsonDocument.Parse(got.Payload ?? "");
            if (envelope.RootElement.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() > 0)
            {
                messageType = types[0].GetString();
            }

            if (messageId is null && envelope.RootElement.TryGetProperty("messageId", out var id))
            {
                messageId = id.GetString();
            }
        }
        catch (JsonException)
        {
            // Not a MassTransit envelope: shown with what the headers say.
        }

        return new FailedMessage(messageId, messageType, Header("MT-Fault-ExceptionType"), Header("MT-Fault-Message"), Header("MT-Fault-Timestamp"));
    }

    private static HttpClient CreateManagementClient(Uri broker, Uri management)
    {
        var http = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + "/api/"), Timeout = TimeSpan.FromSeconds(30) };
        var credentials = management.UserInfo is { Length: > 0 } own ? own : broker.UserInfo is { Length: > 0 } amqp ? amqp : "guest:guest";
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(credentials))));
        return http;
    }

    private sealed record QueueJson([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("messages")] long Messages);

    private sealed record GotJson(
        [property: JsonPropertyName("payload")] string? Payload,
        [property: JsonPropertyName("properties")] PropertiesJson? Properties);

    private sealed record PropertiesJson(
        [property: JsonPropertyName("message_id")] string? MessageId,
        [property: JsonPropertyName("headers")] Dictionary<string, JsonElement>? Headers);
}
