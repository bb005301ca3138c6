using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Alerts;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// ntfy and Telegram end to end through a real Alerts process over RabbitMQ and PostgreSQL, configured as an operator
/// would (<c>Alerts__TelegramApiUrl</c>, <c>Alerts__AllowedNetworks__0</c>): a stored statement that matches is published
/// to an ntfy stand-in and sent by a Telegram stand-in's bot, both on 127.0.0.1; a bad Telegram API URL stops the
/// process at start with the setting named. The bot token is in none of the process's output.
/// </summary>
[Collection(nameof(DistributedCollection))]
public sealed class ChatDeliveryTests : IAsyncLifetime
{
    private const string BotToken = "555000111:AAE_end-to-end-token-abcdefghijklmnop";
    private readonly List<IAsyncDisposable> _disposables = [];
    private PostgresDatabase _postgres = null!;
    private RabbitMqVirtualHost _rabbit = null!;
    private Database _database = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresDatabase.CreateAsync();
        _rabbit = await RabbitMqVirtualHost.CreateAsync();
        _database = new Database(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _postgres.ConnectionString });
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        await _rabbit.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_matching_statement_reaches_the_ntfy_topic_and_the_telegram_chat()
    {
        var ntfy = await NtfyStandIn.StartAsync("eprs-sanctions");
        _disposables.Add(ntfy);
        var telegram = await TelegramStandIn.StartAsync(BotToken, "-1001234567890");
        _disposables.Add(telegram);
        telegram.Script.Enqueue(new ScriptedAnswer(429, RetryAfterSeconds: 1));
        var alerts = await StartAlertsAsync(telegram.ApiUrl.ToString());
        var userId = await AlertsTestData.CreateUserAsync(_database, "ana", "ana@example.org");
        var subscription = AlertsTestData.Subscription(userId, "phones") with
        {
            Topics = ["sanctions"], InApp = false, NtfyUrl = ntfy.TopicUrl.ToString(), NtfyPriority = 5, NtfyTags = ["rotating_light"],
            TelegramChatId = "-1001234567890", TelegramBotToken = BotToken,
        };
        var id = await new SubscriptionStore(_database).AddAsync(subscription);

        await StoreAsync("Council extends sanctions on Russia — “14th package”");

        var deliveries = new DeliveryStore(_database);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        IReadOnlyList<DeliveryRecord> records = [];
        while (DateTime.UtcNow < deadline && !(records.Count == 2 && records.All(r => r.State == DeliveryStates.Delivered)))
        {
            await Task.Delay(100);
            records = await deliveries.ListForSubscriptionAsync(id);
        }

        Assert.Equal([(DeliveryStore.Ntfy, DeliveryStates.Delivered), (DeliveryStore.Telegram, DeliveryStates.Delivered)],
            records.Select(r => (r.Channel, r.State)).Order());
        var publish = Assert.Single(ntfy.Received);
        Assert.Equal(("Council extends sanctions on Russia — “14th package”", "5", null), (publish.Title, publish.Priority, publish.FormatProblem));
        Assert.Equal(["rotating_light"], publish.Tags);
        Assert.Equal([429, 200], telegram.Received.Select(r => r.AnsweredStatus));
        Assert.Contains("Council extends sanctions on Russia — “14th package” [sanctions]", telegram.Received[^1].PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain(BotToken.Split(':')[1], alerts.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_telegram_api_url_that_is_not_absolute_stops_the_process_at_start_with_the_setting_named()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAlertsAsync("api.telegram.org"));

        Assert.Contains("Alerts:TelegramApiUrl must be an absolute http(s) URL", failure.Message, StringComparison.Ordinal);
    }

    private async Task<MonitorProcess> StartAlertsAsync(string telegramApiUrl)
    {
        var environment = Topology.Distributed(_rabbit, _postgres.ConnectionString, new Uri("http://127.0.0.1:9/unused.xml"));
        environment["Alerts__AllowedNetworks__0"] = "127.0.0.1/32";
        environment["Alerts__TelegramApiUrl"] = telegramApiUrl;
        environment["Alerts__FirstRetryDelay"] = "00:00:00.200";
        environment["Alerts__MaxRetryDelay"] = "00:00:01";
        var process = MonitorProcess.Create("workers/Monitor.Alerts", environment);
        _disposables.Add(process);
        await process.StartAsync();
        return process;
    }

    private async Task StoreAsync(string title)
    {
        var now = DateTimeOffset.UtcNow;
        var id = Guid.NewGuid().ToString("N");
        var discovered = new StatementDiscovered("ep-press-releases", id, $"https://example.org/{id}", title, "Summary", "Body", now, "en", id, now);
        _ = await new StatementStore(_database).StoreAsync(new StatementTagged(discovered, [new TopicScore("sanctions", 0.8, [])], "v1", now), now)
            ?? throw new InvalidOperationException("not stored");
    }
}
