using Monitor.Core.Alerts;
using Monitor.Core.Tagging;

namespace Monitor.Core.Tests.Alerts;

/// <summary>
/// A subscription request's field rules, without a server: what the API answers as 400 comes from here; the webhook's
/// address check (DNS, the network guard) is the API's, asked through <see cref="IWebhookTargetCheck"/>.
/// </summary>
public sealed class SubscriptionValidationTests
{
    private static readonly TopicFile Topics = TopicFile.LoadDefault();

    [Fact]
    public async Task A_minimal_request_takes_every_default()
    {
        var (subscription, problem) = await ValidateAsync(new SubscriptionRequest { Name = "  sanctions  " });

        Assert.Null(problem);
        Assert.Equal(("sanctions", SubscriptionKinds.Statements, true, "any", 0.0), (subscription!.Name, subscription.Kind, subscription.Enabled, subscription.TopicMatch, subscription.MinScore));
        Assert.Equal(("UTC", SubscriptionDelivery.Immediate, 8, true, false), (subscription.TimeZone, subscription.Delivery, subscription.DigestHour, subscription.InApp, subscription.Email));
        Assert.Null(subscription.WebhookUrl);
    }

    [Fact]
    public async Task The_first_bad_field_names_itself()
    {
        Assert.Equal("Missing body", (await ValidateAsync(null)).Problem!.Title);
        Assert.Equal("Invalid kind", (await ValidateAsync(new SubscriptionRequest { Name = "x", Kind = "statement" })).Problem!.Title);
        Assert.Equal("Unknown topics", (await ValidateAsync(new SubscriptionRequest { Name = "x", Topics = ["no-such-topic"] })).Problem!.Title);
        Assert.Equal("Unknown sources", (await ValidateAsync(new SubscriptionRequest { Name = "x", Sources = ["nowhere"] })).Problem!.Title);
        Assert.Equal("Invalid query", (await ValidateAsync(new SubscriptionRequest { Name = "x", Query = "-exercise" })).Problem!.Title);
        Assert.Equal("Invalid topics", (await ValidateAsync(new SubscriptionRequest { Name = "x", Kind = SubscriptionKinds.Spike, SpikeWindowHours = 6, SpikeFactor = 3 })).Problem!.Title);
        Assert.Equal("Invalid quietHours", (await ValidateAsync(new SubscriptionRequest { Name = "x", QuietHours = new QuietHoursRequest("22:00", "22:00") })).Problem!.Title);
        Assert.Equal("Invalid timeZone", (await ValidateAsync(new SubscriptionRequest { Name = "x", TimeZone = "../etc/passwd" })).Problem!.Title);
        Assert.Equal("Email unavailable", (await ValidateAsync(new SubscriptionRequest { Name = "x", Channels = new ChannelsRequest(null, true, null) })).Problem!.Title);
    }

    [Fact]
    public async Task A_webhook_is_checked_for_its_form_here_and_for_its_address_by_the_caller()
    {
        var refusing = new RefusingCheck(new RequestProblem("Webhook address refused", "private"));

        var userInfo = await ValidateAsync(Webhook("https://user:secret@hooks.example.org/x"), refusing);
        var refused = await ValidateAsync(Webhook("https://hooks.example.org/x"), refusing);
        var allowed = await ValidateAsync(Webhook("https://hooks.example.org/x"), new RefusingCheck(null));

        Assert.Equal("Invalid webhook", userInfo.Problem!.Title);
        Assert.Equal([new Uri("https://hooks.example.org/x")], refusing.Asked);
        Assert.Equal("Webhook address refused", refused.Problem!.Title);
        Assert.Equal(("https://hooks.example.org/x", "chat"), (allowed.Subscription!.WebhookUrl, allowed.Subscription.WebhookFormat));
    }

    [Fact]
    public async Task A_spike_keeps_its_window_and_a_statements_rule_drops_it()
    {
        var spike = await ValidateAsync(new SubscriptionRequest { Name = "x", Kind = SubscriptionKinds.Spike, Topics = ["sanctions"], SpikeWindowHours = 6, SpikeFactor = 3 });
        var statements = await ValidateAsync(new SubscriptionRequest { Name = "x", Topics = ["sanctions"], SpikeWindowHours = 6, SpikeFactor = 3 });

        Assert.Equal((6, 3.0), (spike.Subscription!.SpikeWindowHours, spike.Subscription.SpikeFactor));
        Assert.Equal((null, null), (statements.Subscription!.SpikeWindowHours, statements.Subscription.SpikeFactor));
    }

    [Fact]
    public async Task A_briefing_takes_topics_or_none_and_refuses_the_fields_it_would_ignore()
    {
        var all = await ValidateAsync(new SubscriptionRequest { Name = "weekly", Kind = SubscriptionKinds.Briefing });
        var some = await ValidateAsync(new SubscriptionRequest { Name = "weekly", Kind = "briefing", Topics = ["sanctions"], Delivery = "daily" });
        var unknownTopic = await ValidateAsync(new SubscriptionRequest { Name = "weekly", Kind = "briefing", Topics = ["no-such-topic"] });
        var withQuery = await ValidateAsync(new SubscriptionRequest { Name = "weekly", Kind = "briefing", Query = "sanctions" });
        var withSources = await ValidateAsync(new SubscriptionRequest { Name = "weekly", Kind = "briefing", Sources = ["nato-news"] });
        var withSpike = await ValidateAsync(new SubscriptionRequest { Name = "weekly", Kind = "briefing", SpikeWindowHours = 6 });
        var withAll = await ValidateAsync(new SubscriptionRequest { Name = "weekly", Kind = "briefing", Topics = ["sanctions"], TopicMatch = "all" });
        var badKind = await ValidateAsync(new SubscriptionRequest { Name = "weekly", Kind = "briefings" });

        Assert.Null(all.Problem);
        Assert.Equal((SubscriptionKinds.Briefing, 0), (all.Subscription!.Kind, all.Subscription.Topics.Count));
        Assert.Equal(["sanctions"], some.Subscription!.Topics);
        Assert.Equal(SubscriptionDelivery.Daily, some.Subscription.Delivery);
        Assert.Equal("Unknown topics", unknownTopic.Problem!.Title);
        Assert.Equal(("Invalid fields for a briefing", true), (withQuery.Problem!.Title, withQuery.Problem.Detail.Contains("'query'", StringComparison.Ordinal)));
        Assert.Contains("'sources'", withSources.Problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("'spikeWindowHours'", withSpike.Problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("'topicMatch'", withAll.Problem!.Detail, StringComparison.Ordinal);
        Assert.Equal("'kind' must be 'statements', 'spike', 'briefing' or 'event'; got 'briefings'.", badKind.Problem!.Detail);
    }

    [Fact]
    public async Task An_event_subscription_takes_topics_or_none_and_history_and_refuses_the_statement_and_spike_fields()
    {
        var any = await ValidateAsync(new SubscriptionRequest { Name = "both", Kind = SubscriptionKinds.Event });
        var some = await ValidateAsync(new SubscriptionRequest { Name = "both", Kind = "event", Topics = ["sanctions", "cyber-hybrid-disinformation"], IncludeHistory = true, Delivery = "hourly" });
        var unknownTopic = await ValidateAsync(new SubscriptionRequest { Name = "both", Kind = "event", Topics = ["no-such-topic"] });
        var refused = new Dictionary<string, SubscriptionRequest>
        {
            ["query"] = new() { Name = "both", Kind = "event", Query = "sanctions" },
            ["sources"] = new() { Name = "both", Kind = "event", Sources = ["nato-news"] },
            ["documentTypes"] = new() { Name = "both", Kind = "event", DocumentTypes = ["speech"] },
            ["driftOnly"] = new() { Name = "both", Kind = "event", DriftOnly = true },
            ["minScore"] = new() { Name = "both", Kind = "event", MinScore = 0.5 },
            ["topicMatch"] = new() { Name = "both", Kind = "event", Topics = ["sanctions"], TopicMatch = "all" },
            ["spikeWindowHours"] = new() { Name = "both", Kind = "event", SpikeWindowHours = 6 },
            ["spikeFactor"] = new() { Name = "both", Kind = "event", SpikeFactor = 3 },
        };

        Assert.Null(any.Problem);
        Assert.Equal((SubscriptionKinds.Event, 0, false), (any.Subscription!.Kind, any.Subscription.Topics.Count, any.Subscription.IncludeHistory));
        Assert.Equal((2, true, SubscriptionDelivery.Hourly), (some.Subscription!.Topics.Count, some.Subscription.IncludeHistory, some.Subscription.Delivery));
        Assert.Equal("Unknown topics", unknownTopic.Problem!.Title);
        foreach (var (field, request) in refused)
        {
            var problem = (await ValidateAsync(request)).Problem;
            Assert.True(problem is not null, field);
            Assert.Equal("Invalid fields for an event subscription", problem.Title);
            Assert.Contains($"'{field}' does not apply to it", problem.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_ntfy_topic_takes_its_url_priority_tags_and_token_and_its_address_is_checked_by_the_caller()
    {
        var check = new RefusingCheck(null);
        var (subscription, problem) = await ValidateAsync(Ntfy(new NtfyRequest("https://ntfy.example.org/monitor-alerts", "tk_abc123", 5, ["warning", "warning", "flag-eu"])), check);

        Assert.Null(problem);
        Assert.Equal(("https://ntfy.example.org/monitor-alerts", "tk_abc123", 5), (subscription!.NtfyUrl, subscription.NtfyToken, subscription.NtfyPriority));
        Assert.Equal(["warning", "flag-eu"], subscription.NtfyTags);
        Assert.Equal([new Uri("https://ntfy.example.org/monitor-alerts")], check.Asked);
        Assert.Equal(["channels.ntfy.url"], check.Fields);

        var refused = await ValidateAsync(Ntfy(new NtfyRequest("https://10.0.0.5/alerts")), new RefusingCheck(new RequestProblem("ntfy address refused", "private")));
        Assert.Equal("ntfy address refused", refused.Problem!.Title);
    }

    [Theory]
    [InlineData("ntfy.sh/alerts", "must be an absolute http or https URL")]
    [InlineData("https://ntfy.sh/", "must be a topic URL")]
    [InlineData("https://ntfy.sh/alerts?x=1", "must be a topic URL")]
    [InlineData("https://ntfy.sh/al%20erts", "must be a topic URL")]
    [InlineData("https://user:pw@ntfy.sh/alerts", "must not carry a user name or password")]
    public async Task A_bad_ntfy_url_is_a_problem_naming_the_field(string url, string expected)
    {
        var problem = (await ValidateAsync(Ntfy(new NtfyRequest(url)))).Problem;

        Assert.Equal("Invalid ntfy", problem!.Title);
        Assert.Contains("'channels.ntfy.url'", problem.Detail, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_ntfy_priority_tags_and_token_are_problems()
    {
        Assert.Contains("'channels.ntfy.priority' must be from 1", (await ValidateAsync(Ntfy(new NtfyRequest("https://ntfy.sh/a", Priority: 6)))).Problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("got 'two words'", (await ValidateAsync(Ntfy(new NtfyRequest("https://ntfy.sh/a", Tags: ["two words"])))).Problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("at most 10 tags", (await ValidateAsync(Ntfy(new NtfyRequest("https://ntfy.sh/a", Tags: Enumerable.Range(0, 11).Select(i => $"t{i}").ToList())))).Problem!.Detail, StringComparison.Ordinal);
        var token = (await ValidateAsync(Ntfy(new NtfyRequest("https://ntfy.sh/a", Token: "tk bad")))).Problem!;
        Assert.Contains("'channels.ntfy.token'", token.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("tk bad", token.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edit_without_secrets_keeps_the_stored_ones_but_not_for_another_ntfy_server()
    {
        var existing = new Subscription { NtfyUrl = "https://ntfy.example.org/a", NtfyToken = "tk_stored", TelegramChatId = "42", TelegramBotToken = "123:" + new string('A', 35) };
        var edit = new SubscriptionRequest
        {
            Name = "x",
            Channels = new ChannelsRequest(null, null, null) { Ntfy = new NtfyRequest("https://ntfy.example.org/b"), Telegram = new TelegramRequest("-100200") },
        };

        var kept = (await ValidateAsync(edit, existing: existing)).Subscription!;
        Assert.Equal(("tk_stored", existing.TelegramBotToken, "-100200"), (kept.NtfyToken, kept.TelegramBotToken, kept.TelegramChatId));

        var moved = (await ValidateAsync(edit with { Channels = edit.Channels with { Ntfy = new NtfyRequest("https://other.example.org/b") } }, existing: existing)).Subscription!;
        Assert.Null(moved.NtfyToken);

        var removed = (await ValidateAsync(edit with { Channels = edit.Channels with { Ntfy = new NtfyRequest("https://ntfy.example.org/b", Token: "") } }, existing: existing)).Subscription!;
        Assert.Null(removed.NtfyToken);
    }

    [Fact]
    public async Task A_telegram_chat_needs_a_chat_id_a_bot_token_and_a_known_parse_mode()
    {
        const string Token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
        var (subscription, problem) = await ValidateAsync(Telegram(new TelegramRequest("@monitor_alerts", Token, "MarkdownV2")));
        Assert.Null(problem);
        Assert.Equal(("@monitor_alerts", Token, "MarkdownV2"), (subscription!.TelegramChatId, subscription.TelegramBotToken, subscription.TelegramParseMode));
        Assert.Equal("HTML", (await ValidateAsync(Telegram(new TelegramRequest("-1001234567890", Token)))).Subscription!.TelegramParseMode);

        Assert.Contains("'channels.telegram.chatId'", (await ValidateAsync(Telegram(new TelegramRequest("my chat", Token)))).Problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("'channels.telegram.botToken' is required", (await ValidateAsync(Telegram(new TelegramRequest("42")))).Problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("'channels.telegram.parseMode' must be 'HTML' or 'MarkdownV2'", (await ValidateAsync(Telegram(new TelegramRequest("42", Token, "Markdown")))).Problem!.Detail, StringComparison.Ordinal);
        var badToken = (await ValidateAsync(Telegram(new TelegramRequest("42", "not-a-token-secret")))).Problem!;
        Assert.Equal("Invalid telegram", badToken.Title);
        Assert.DoesNotContain("not-a-token-secret", badToken.Detail, StringComparison.Ordinal);
    }

    private static SubscriptionRequest Ntfy(NtfyRequest ntfy) =>
        new() { Name = "x", Channels = new ChannelsRequest(null, null, null) { Ntfy = ntfy } };

    private static SubscriptionRequest Telegram(TelegramRequest telegram) =>
        new() { Name = "x", Channels = new ChannelsRequest(null, null, null) { Telegram = telegram } };

    private static SubscriptionRequest Webhook(string url) =>
        new() { Name = "x", Channels = new ChannelsRequest(null, null, new WebhookRequest(url, "chat")) };

    private static Task<(Subscription? Subscription, RequestProblem? Problem)> ValidateAsync(SubscriptionRequest? request, IWebhookTargetCheck? webhooks = null, Subscription? existing = null) =>
        SubscriptionValidation.ValidateAsync(request, new SubscriptionChecks(Topics, ["nato-news"], SmtpEnabled: false, OwnerEmail: null, webhooks ?? new RefusingCheck(null)) { Existing = existing },
            CancellationToken.None);

    /// <summary>Answers every URL with <paramref name="answer"/> and records what it was asked.</summary>
    private sealed class RefusingCheck(RequestProblem? answer) : IWebhookTargetCheck
    {
        public List<Uri> Asked { get; } = [];

        public List<string> Fields { get; } = [];

        public Task<RequestProblem?> RefuseAsync(Uri url, CancellationToken cancellationToken)
        {
            Asked.Add(url);
            return Task.FromResult(answer);
        }

        public Task<RequestProblem?> RefuseAsync(Uri url, string field, CancellationToken cancellationToken)
        {
            Fields.Add(field);
            return RefuseAsync(url, cancellationToken);
        }
    }
}
