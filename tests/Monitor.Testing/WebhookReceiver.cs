using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Monitor.Testing;

/// <summary>One POST the receiver got: its headers, raw body, and whether the signature verified.</summary>
public sealed record ReceivedWebhook(long DeliveryId, long Timestamp, string Signature, bool SignatureValid, string Body, int AnsweredStatus, string ContentType = "", string UserAgent = "")
{
    /// <summary>When the receiver read the request.</summary>
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The alert ids of a "json" body (empty for "chat").</summary>
    public IReadOnlyList<long> AlertIds
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.TryGetProperty("alerts", out var alerts)
                ? alerts.EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).ToList()
                : [];
        }
    }
}

/// <summary>
/// A webhook receiver on 127.0.0.1, as a subscriber would run one: it verifies <c>X-Monitor-Signature</c> (HMAC-SHA256
/// with <see cref="Secret"/> over "&lt;timestamp&gt;." + body) and records every request. It answers 401 to a bad
/// signature, <see cref="FailStatus"/> to the first <see cref="FailFirst"/> requests (or all, with <see cref="AlwaysFail"/>), else 204.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private LoopbackServer _server = null!;
    private int _requests;

    private WebhookReceiver()
    {
    }

    public Uri Url { get; private set; } = null!;

    private readonly ConcurrentDictionary<string, bool> _secrets = new(StringComparer.Ordinal);

    /// <summary>A secret signatures are checked against (setting adds one: a request signed with any of them verifies).</summary>
    public string Secret
    {
        get => _secrets.Keys.FirstOrDefault() ?? "";
        set => _secrets[value] = true;
    }

    public int FailFirst { get; set; }

    public bool AlwaysFail { get; set; }

    public int FailStatus { get; set; } = 500;

    /// <summary>Every request, in arrival order, failed ones included.</summary>
    public IReadOnlyList<ReceivedWebhook> Received => _received.ToList();

    /// <summary>The requests answered 2xx.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => _received.Where(r => r.AnsweredStatus is >= 200 and < 300).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        receiver._server = await LoopbackServer.StartAsync(app => app.MapPost("/hook", receiver.ReceiveAsync));
        receiver.Url = receiver._server.Url("/hook");
        return receiver;
    }

    /// <summary>True when <paramref name="signature"/> is "sha256=" + the lowercase hex HMAC of "timestamp." + body.</summary>
    public static bool Verify(string secret, string timestamp, byte[] body, string signature)
    {
        ArgumentNullException.ThrowIfNull(body);
        var message = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the accepted requests, or fails with what arrived.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + within;
        while (!condition(Accepted))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The webhook receiver's condition did not hold within {within.TotalSeconds} s; it got {_received.Count} requests, {Accepted.Count} accepted.");
            }

            await Task.Delay(50);
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var timestamp = context.Request.Headers["X-Monitor-Timestamp"].ToString();
        var signature = context.Request.Headers["X-Monitor-Signature"].ToString();
        var valid = _secrets.Keys.Any(secret => Verify(secret, timestamp, body, signature));
        var attempt = Interlocked.Increment(ref _requests);
        var status = !valid ? 401 : AlwaysFail || attempt <= FailFirst ? FailStatus : 204;
        _received.Enqueue(new ReceivedWebhook(
            long.TryParse(context.Request.Headers["X-Monitor-Delivery"].ToString(), CultureInfo.InvariantCulture, out var id) ? id : 0,
            long.TryParse(timestamp, CultureInfo.InvariantCulture, out var ts) ? ts : 0,
            signature, valid, Encoding.UTF8.GetString(body), status, context.Request.ContentType ?? "", context.Request.Headers.UserAgent.ToString()));
        context.Response.StatusCode = status;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
