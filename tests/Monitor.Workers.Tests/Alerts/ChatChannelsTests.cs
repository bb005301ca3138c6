using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.Alerts.Delivery;
using Monitor.Core.Alerts;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Testing;
using OpenTelemetry.Trace;

namespace Monitor.Workers.Tests.Alerts;

/// <summary>
/// The ntfy and Telegram channels through the real dispatcher, on a real SQLite file, against stand-ins on 127.0.0.1
/// that check the request as ntfy and the Bot API read it (headers, RFC 2047 titles, JSON fields, HTML and MarkdownV2
/// escaping): delivered, retried after 500, retried no sooner than a 429 asked, dead at once on a 4xx, and refused by
/// the network guard before any connection. No request leaves 127.0.0.1.
/// </summary>
public sealed class ChatChannelsTests : IAsyncLifetime
{
    private const string BotToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_x-9";
    private const string NtfyToken = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2";

    // Every character ntfy's header, Telegram's HTML and MarkdownV2 treat specially, and some that are not ASCII.
    private const string Title = "Council: sanctions on <Belarus> & \"Wagner\" — 1.5% cap_*[x](y)~`>#+-=|{}.!\\ Zürich €";
    private const string Url = "https://example.org/statements/7?a=1&b=(2)";

    private MigratedSqlite _sqlite = null!;
    private Database _database = null!;
    private long _userId;
    private readonly ConcurrentQueue<string> _logs = new();

    public async Task InitializeAsync()
    {
        _sqlite = await MigratedSqlite.CreateAsync();
        _database = _sqlite.Database;
        _userId = await AlertsTestData.CreateUserAsync(_database, "ana", "ana@example.org");
    }

    public Task DisposeAsync()
    {
        _sqlite.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Ntfy_gets_a_post_to_the_topic_with_title_tags_priority_click_and_the_token()
    {
        await using var ntfy = await NtfyStandIn.StartAsync();
        ntfy.Token = NtfyToken;
        var deliveryId = await QueueAsync(s => s with { NtfyUrl = ntfy.TopicUrl.ToString(), NtfyToken = NtfyToken, NtfyPriority = 4, NtfyTags = ["warning", "flag-eu"] }, DeliveryStore.Ntfy);
        await using var dispatcher = await StartAsync(allowLoopback: true);

        var delivered = await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);

        var publish = Assert.Single(ntfy.Received);
        Assert.Null(publish.FormatProblem);
        Assert.Equal(("POST", "/monitor-alerts", 200), (publish.Method, publish.Path, publish.AnsweredStatus));
        Assert.Equal("text/plain; charset=utf-8", publish.ContentType);
        Assert.Equal(Title, publish.Title);
        Assert.StartsWith("=?UTF-8?B?", publish.RawTitle, StringComparison.Ordinal);
        Assert.Equal(["warning", "flag-eu"], publish.Tags);
        Assert.Equal(("4", Url, "Bearer " + NtfyToken), (publish.Priority, publish.Click, publish.Authorization));
        Assert.Equal($"Monitor alert for \"sanctions\" [sanctions, russia]\n{Url}", publish.Body);
        Assert.Equal(1, delivered.Attempts);
        Assert.NotEmpty(_logs);
        Assert.DoesNotContain(_logs, line => line.Contains(NtfyToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ntfy_without_a_token_sends_no_authorization_and_an_ascii_title_as_it_is()
    {
        await using var ntfy = await NtfyStandIn.StartAsync("plain");
        var deliveryId = await QueueAsync(s => s with { NtfyUrl = ntfy.TopicUrl.ToString() }, DeliveryStore.Ntfy, title: "NATO summit: plain title");
        await using var dispatcher = await StartAsync(allowLoopback: true);

        await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);

        var publish = Assert.Single(ntfy.Received);
        Assert.Equal(("NATO summit: plain title", "NATO summit: plain title", "3"), (publish.RawTitle, publish.Title, publish.Priority));
        Assert.Null(publish.Authorization);
        Assert.Empty(publish.Tags);
    }

    [Fact]
    public async Task Ntfy_500_is_retried_and_429_waits_its_retry_after_before_the_next_attempt()
    {
        await using var ntfy = await NtfyStandIn.StartAsync();
        ntfy.Script.Enqueue(new ScriptedAnswer(500));
        ntfy.Script.Enqueue(new ScriptedAnswer(429, RetryAfterSeconds: 2));
        var deliveryId = await QueueAsync(s => s with { NtfyUrl = ntfy.TopicUrl.ToString() }, DeliveryStore.Ntfy);
        await using var dispatcher = await StartAsync(allowLoopback: true, maxAttempts: 5);

        var delivered = await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);

        Assert.Equal([500, 429, 200], ntfy.Received.Select(r => r.AnsweredStatus));
        Assert.Equal(3, delivered.Attempts);
        // The backoff alone is 100–400 ms; the 429 asked for 2 s, and the dispatcher polls once a second.
        var waited = ntfy.Received[2].ReceivedAt - ntfy.Received[1].ReceivedAt;
        Assert.True(waited >= TimeSpan.FromSeconds(1.9), $"retried {waited.TotalMilliseconds:0} ms after the 429");
        Assert.True(ntfy.Received[1].ReceivedAt - ntfy.Received[0].ReceivedAt < TimeSpan.FromSeconds(1.9));
    }

    [Fact]
    public async Task Ntfy_refusing_the_token_is_dead_at_once_with_ntfys_reason()
    {
        await using var ntfy = await NtfyStandIn.StartAsync();
        ntfy.Token = NtfyToken;
        var deliveryId = await QueueAsync(s => s with { NtfyUrl = ntfy.TopicUrl.ToString(), NtfyToken = "tk_wrongwrongwrongwrongwrongwrong" }, DeliveryStore.Ntfy);
        await using var dispatcher = await StartAsync(allowLoopback: true);

        var dead = await WaitForStateAsync(deliveryId, DeliveryStates.Dead);

        Assert.Equal((1, 401), (dead.Attempts, dead.LastStatus));
        Assert.Contains("refused the message: 401 Unauthorized", dead.LastError, StringComparison.Ordinal);
        Assert.Contains("access token is wrong or expired", dead.LastError, StringComparison.Ordinal);
        Assert.Single(ntfy.Received);
    }

    [Fact]
    public async Task Telegram_gets_sendMessage_with_the_chat_html_escaped_text_and_no_preview()
    {
        await using var telegram = await TelegramStandIn.StartAsync(BotToken, "-1001234567890");
        var deliveryId = await QueueAsync(s => s with { TelegramChatId = "-1001234567890", TelegramBotToken = BotToken }, DeliveryStore.Telegram);
        await using var dispatcher = await StartAsync(allowLoopback: true, telegramApi: telegram.ApiUrl);

        await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);

        var send = Assert.Single(telegram.Received);
        Assert.Equal((200, null), (send.AnsweredStatus, send.Description));
        Assert.Equal(("POST", $"/bot{BotToken}/sendMessage", "-1001234567890", "HTML", true), (send.Method, send.Path, send.ChatId, send.ParseMode, send.DisableWebPagePreview));
        Assert.Equal($"Monitor alert for \"sanctions\"\n• {Title} [sanctions, russia]", send.PlainText);
        Assert.Equal([(Title, Url)], send.Links);
        Assert.Equal(["Monitor alert"], send.Bold);
    }

    [Fact]
    public async Task Telegram_markdownv2_escapes_every_reserved_character()
    {
        await using var telegram = await TelegramStandIn.StartAsync(BotToken, "@monitor_alerts");
        var deliveryId = await QueueAsync(s => s with { TelegramChatId = "@monitor_alerts", TelegramBotToken = BotToken, TelegramParseMode = "MarkdownV2" }, DeliveryStore.Telegram);
        await using var dispatcher = await StartAsync(allowLoopback: true, telegramApi: telegram.ApiUrl);

        await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);

        var send = Assert.Single(telegram.Received);
        Assert.Equal(("@monitor_alerts", "MarkdownV2", 200), (send.ChatId, send.ParseMode, send.AnsweredStatus));
        Assert.Equal($"Monitor alert for \"sanctions\"\n• {Title} [sanctions, russia]", send.PlainText);
        Assert.Equal([(Title, Url)], send.Links);
    }

    [Fact]
    public async Task Telegram_429_waits_retry_after_from_the_json_and_500_is_retried()
    {
        await using var telegram = await TelegramStandIn.StartAsync(BotToken, "42");
        telegram.Script.Enqueue(new ScriptedAnswer(429, RetryAfterSeconds: 2));
        telegram.Script.Enqueue(new ScriptedAnswer(500));
        var deliveryId = await QueueAsync(s => s with { TelegramChatId = "42", TelegramBotToken = BotToken }, DeliveryStore.Telegram);
        await using var dispatcher = await StartAsync(allowLoopback: true, telegramApi: telegram.ApiUrl, maxAttempts: 5);

        var delivered = await WaitForStateAsync(deliveryId, DeliveryStates.Delivered);

        Assert.Equal([429, 500, 200], telegram.Received.Select(r => r.AnsweredStatus));
        Assert.Equal(3, delivered.Attempts);
        var waited = telegram.Received[1].ReceivedAt - telegram.Received[0].ReceivedAt;
        Assert.True(waited >= TimeSpan.FromSeconds(1.9), $"retried {waited.TotalMilliseconds:0} ms after the 429");
    }

    [Fact]
    public async Task Telegram_refusals_are_dead_at_once_and_the_token_is_in_no_error_and_no_log()
    {
        await using var telegram = await TelegramStandIn.StartAsync(BotToken, "42");
        telegram.Script.Enqueue(new ScriptedAnswer(403));
        var blocked = await QueueAsync(s => s with { TelegramChatId = "42", TelegramBotToken = BotToken }, DeliveryStore.Telegram);
        const string OtherToken = "987654321:AAFwrongwrongwrongwrongwrongwrongwrong";
        var badToken = await QueueAsync(s => s with { TelegramChatId = "42", TelegramBotToken = OtherToken }, DeliveryStore.Telegram);
        var noChat = await QueueAsync(s => s with { TelegramChatId = "43", TelegramBotToken = BotToken }, DeliveryStore.Telegram);
        await using var dispatcher = await StartAsync(allowLoopback: true, telegramApi: telegram.ApiUrl);

        var deadBlocked = await WaitForStateAsync(blocked, DeliveryStates.Dead);
        var deadToken = await WaitForStateAsync(badToken, DeliveryStates.Dead);
        var deadChat = await WaitForStateAsync(noChat, DeliveryStates.Dead);

        Assert.Equal((1, 403), (deadBlocked.Attempts, deadBlocked.LastStatus));
        Assert.Contains("Forbidden: bot was blocked by the user", deadBlocked.LastError, StringComparison.Ordinal);
        Assert.Equal((1, 401), (deadToken.Attempts, deadToken.LastStatus));
        Assert.Contains("bot token was not accepted", deadToken.LastError, StringComparison.Ordinal);
        Assert.Equal((1, 400), (deadChat.Attempts, deadChat.LastStatus));
        Assert.Contains("Bad Request: chat not found", deadChat.LastError, StringComparison.Ordinal);
        Assert.Equal(3, telegram.Received.Count);
        foreach (var secret in new[] { BotToken, OtherToken, BotToken.Split(':')[1], OtherToken.Split(':')[1] })
        {
            Assert.DoesNotContain(new[] { deadBlocked, deadToken, deadChat }, d => d.LastError!.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(_logs, line => line.Contains(secret, StringComparison.Ordinal));
        }

        Assert.Contains(_logs, line => line.Contains("is dead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_loopback_ntfy_or_telegram_not_allowed_is_refused_before_any_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connections = 0;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref connections);
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var ntfy = await QueueAsync(s => s with { NtfyUrl = $"http://127.0.0.1:{port}/topic" }, DeliveryStore.Ntfy);
        var telegram = await QueueAsync(s => s with { TelegramChatId = "42", TelegramBotToken = BotToken }, DeliveryStore.Telegram);
        await using var dispatcher = await StartAsync(allowLoopback: false, telegramApi: new Uri($"http://127.0.0.1:{port}/"));

        var deadNtfy = await WaitForStateAsync(ntfy, DeliveryStates.Dead);
        var deadTelegram = await WaitForStateAsync(telegram, DeliveryStates.Dead);

        foreach (var dead in new[] { deadNtfy, deadTelegram })
        {
            Assert.Equal((1, (int?)null), (dead.Attempts, dead.LastStatus));
            Assert.Contains("127.0.0.1 is a loopback address; allow it with Alerts:AllowedNetworks", dead.LastError, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(BotToken, deadTelegram.LastError, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref connections));
    }

    [Fact]
    public async Task A_digest_goes_to_both_as_one_message_each()
    {
        await using var ntfy = await NtfyStandIn.StartAsync();
        await using var telegram = await TelegramStandIn.StartAsync(BotToken, "42");
        var subscription = AlertsTestData.Subscription(_userId, "sanctions") with
        {
            InApp = false, NtfyUrl = ntfy.TopicUrl.ToString(), TelegramChatId = "42", TelegramBotToken = BotToken, Delivery = SubscriptionDelivery.Hourly,
        };
        subscription = subscription with { Id = await new SubscriptionStore(_database).AddAsync(subscription) };
        var now = DateTimeOffset.UtcNow;
        foreach (var id in new[] { 7L, 8L })
        {
            await new AlertStore(_database).RaiseAsync(new AlertRecord
            {
                SubscriptionId = subscription.Id, UserId = _userId, StatementId = id, Revision = 1, Title = $"Statement {id} <b>", Url = $"https://example.org/{id}",
                TriggeredAt = now,
            }, AlertStore.StatementKey(id), new AlertPlan
            {
                SubscriptionName = subscription.Name, DigestDueAt = now,
                Deliveries = [new PlannedDelivery(DeliveryStore.Ntfy, now), new PlannedDelivery(DeliveryStore.Telegram, now)],
            });
        }

        var batch = await new DigestStore(_database).CloseAsync(subscription.Id, now.AddSeconds(1), emailEnabled: false);
        Assert.Equal([DeliveryStore.Ntfy, DeliveryStore.Telegram], batch.Deliveries.Select(d => d.Channel));
        await using var dispatcher = await StartAsync(allowLoopback: true, telegramApi: telegram.ApiUrl);
        foreach (var (id, _) in batch.Deliveries)
        {
            await WaitForStateAsync(id, DeliveryStates.Delivered);
        }

        var publish = Assert.Single(ntfy.Received);
        Assert.Equal("Monitor digest for \"sanctions\": 2 alerts", publish.Title);
        Assert.Equal("• Statement 7 <b> — https://example.org/7\n• Statement 8 <b> — https://example.org/8", publish.Body);
        Assert.Null(publish.Click);
        var send = Assert.Single(telegram.Received);
        Assert.Equal("Monitor digest for \"sanctions\": 2 alerts\n• Statement 7 <b>\n• Statement 8 <b>", send.PlainText);
        Assert.Equal([("Statement 7 <b>", "https://example.org/7"), ("Statement 8 <b>", "https://example.org/8")], send.Links);
    }

    private async Task<long> QueueAsync(Func<Subscription, Subscription> configure, string channel, string title = Title)
    {
        var subscription = configure(AlertsTestData.Subscription(_userId, "sanctions") with { InApp = false });
        subscription = subscription with { Id = await new SubscriptionStore(_database).AddAsync(subscription) };
        var raised = await new AlertStore(_database).RaiseAsync(new AlertRecord
        {
            SubscriptionId = subscription.Id, UserId = _userId, StatementId = 7, Revision = 1, Title = title,
            Url = Url, MatchedTopics = ["sanctions", "russia"], TriggeredAt = DateTimeOffset.UtcNow,
        }, AlertStore.StatementKey(7), new AlertPlan
        {
            SubscriptionName = subscription.Name, Deliveries = [new PlannedDelivery(channel, DateTimeOffset.UtcNow)],
        });
        return Assert.Single(raised!.DeliveryIds);
    }

    private async Task<DeliveryRecord> WaitForStateAsync(long deliveryId, string state)
    {
        var store = new DeliveryStore(_database);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var delivery = await store.GetAsync(deliveryId);
        while (delivery?.State != state && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            delivery = await store.GetAsync(deliveryId);
        }

        Assert.True(delivery?.State == state, $"delivery {deliveryId} is {delivery?.State} ({delivery?.LastError}), not {state}");
        return delivery!;
    }

    private async Task<ServiceProvider> StartAsync(bool allowLoopback, Uri? telegramApi = null, int maxAttempts = 3)
    {
        var options = new AlertsOptions
        {
            AllowedNetworks = allowLoopback ? ["127.0.0.1/32"] : [],
            MaxAttempts = maxAttempts,
            FirstRetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(400),
            SendTimeout = TimeSpan.FromSeconds(5),
            // Nothing leaves 127.0.0.1: a test without a stand-in points Telegram at a closed loopback port.
            TelegramApiUrl = (telegramApi ?? new Uri("http://127.0.0.1:9/")).ToString(),
        };
        var services = new ServiceCollection()
            .AddSingleton(_database)
            .AddSingleton<DeliveryStore>()
            .AddSingleton<DeliverySignal>()
            .AddSingleton(Options.Create(options))
            .AddSingleton(TimeProvider.System)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new ListLoggerProvider(_logs)));
        ChatChannels.AddNtfyAndTelegram(services);
        services.AddSingleton<IHostedService, DeliveryDispatcher>();
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return provider;
    }

    /// <summary>Every log line of every category (HTTP client ones included), at every level, with its exception.</summary>
    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>
/// With HttpClient tracing on (as <c>Telemetry:Otlp:Endpoint</c> switches it on), the ntfy POST is a span and the
/// Telegram POST, whose URL carries the bot token, is none.
/// </summary>
public sealed class TelegramTracingTests
{
    private const string BotToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_trace";

    [Fact]
    public async Task The_telegram_request_is_not_traced_while_ntfys_is()
    {
        await using var ntfy = await NtfyStandIn.StartAsync();
        await using var telegram = await TelegramStandIn.StartAsync(BotToken, "42");
        var spans = new ConcurrentQueue<System.Diagnostics.Activity>();
        // HttpClient's own activity source, which the HttpClient instrumentation listens to on .NET 9 and later.
        using var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource("System.Net.Http")
            .AddProcessor(new Collect(spans))
            .Build();
        var options = Options.Create(new AlertsOptions
        {
            AllowedNetworks = ["127.0.0.1/32"], TelegramApiUrl = telegram.ApiUrl.ToString(), SendTimeout = TimeSpan.FromSeconds(5),
        });
        var services = new ServiceCollection().AddSingleton(options).AddSingleton(TimeProvider.System).AddLogging();
        ChatChannels.AddNtfyAndTelegram(services);
        await using var provider = services.BuildServiceProvider();
        var channels = provider.GetServices<IDeliveryChannel>().ToDictionary(c => c.Channel);
        var subscription = new Subscription { Name = "s", NtfyUrl = ntfy.TopicUrl.ToString(), TelegramChatId = "42", TelegramBotToken = BotToken };
        var message = new DeliveryMessage(1, subscription, new AlertRecipient(1, "ana", "Ana", null),
            [new AlertRecord { Id = 1, Title = "t", Url = "https://example.org/1" }], Digest: false);

        await channels[DeliveryStore.Ntfy].SendAsync(message, CancellationToken.None);
        await channels[DeliveryStore.Telegram].SendAsync(message, CancellationToken.None);
        tracing.ForceFlush();

        Assert.Equal(200, Assert.Single(telegram.Received).AnsweredStatus);
        Assert.Contains(spans, s => (s.GetTagItem("url.full")?.ToString() ?? "").Contains("/monitor-alerts", StringComparison.Ordinal));
        Assert.DoesNotContain(spans, s => s.TagObjects.Any(t => t.Value?.ToString()?.Contains("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", StringComparison.Ordinal) == true)
            || s.DisplayName.Contains("AAHdq", StringComparison.Ordinal));
    }

    private sealed class Collect(ConcurrentQueue<System.Diagnostics.Activity> spans) : OpenTelemetry.BaseProcessor<System.Diagnostics.Activity>
    {
        public override void OnEnd(System.Diagnostics.Activity data) => spans.Enqueue(data);
    }
}
