using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Alerts;
using Monitor.Alerts.Delivery;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Alerts;

/// <summary>The email channel against a real SMTP server on 127.0.0.1 (<see cref="SmtpSink"/>).</summary>
public sealed class EmailChannelTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 18, 30, 0, TimeSpan.Zero);
    private SmtpSink _sink = null!;

    public async Task InitializeAsync() => _sink = await SmtpSink.StartAsync();

    public async Task DisposeAsync() => await _sink.DisposeAsync();

    [Fact]
    public async Task One_alert_is_one_email_with_a_text_and_an_html_part_and_the_delivery_in_its_headers()
    {
        var alert = Alert(1, "Allies <script>alert(1)</script> & partners meet", "https://www.nato.int/cps/en/natohq/news_1.htm?a=1&b=2");

        await Channel().SendAsync(Message(41, [alert]), CancellationToken.None);

        var mail = Assert.Single(await _sink.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("[Monitor] Ukraine watch: Allies <script>alert(1)</script> & partners meet", mail.Subject);
        Assert.Equal("delivery-41@example.org", mail.MessageId);
        Assert.Equal("41", mail.Headers["X-Monitor-Delivery"]);
        Assert.Equal("auto-generated", mail.Headers["Auto-Submitted"]);
        Assert.Equal("analyst@example.org", Assert.IsType<MailboxAddress>(Assert.Single(mail.To)).Address);
        Assert.Equal("alerts@example.org", Assert.IsType<MailboxAddress>(Assert.Single(mail.From)).Address);
        var alternative = Assert.IsType<MultipartAlternative>(mail.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(part => part.ContentType.MimeType));

        Assert.Contains("Allies <script>alert(1)</script> & partners meet", mail.TextBody);
        Assert.Contains("https://www.nato.int/cps/en/natohq/news_1.htm?a=1&b=2", mail.TextBody);
        Assert.Contains("Topics: collective-defence, nuclear-chemical-threats", mail.TextBody);
        Assert.Contains("2026-11-29 19:30 Europe/Brussels", mail.TextBody);

        Assert.DoesNotContain("<script>", mail.HtmlBody);
        Assert.Contains("Allies &lt;script&gt;alert(1)&lt;/script&gt; &amp; partners meet", mail.HtmlBody);
        Assert.Contains("<a href=\"https://www.nato.int/cps/en/natohq/news_1.htm?a=1&amp;b=2\">", mail.HtmlBody);
        Assert.Contains("collective-defence, nuclear-chemical-threats", mail.HtmlBody);
    }

    [Fact]
    public async Task A_digest_lists_every_alert_under_one_subject()
    {
        var alerts = new[] { Alert(1, "First", "https://example.org/1"), Alert(2, "Second", "https://example.org/2"), Alert(3, "Third", "https://example.org/3") };

        await Channel().SendAsync(Message(7, alerts, SubscriptionDelivery.Hourly, digest: true), CancellationToken.None);

        var mail = Assert.Single(await _sink.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("[Monitor] Ukraine watch: 3 alerts (hourly digest)", mail.Subject);
        Assert.Equal("delivery-7@example.org", mail.MessageId);
        foreach (var title in new[] { "First", "Second", "Third" })
        {
            Assert.Contains(title, mail.TextBody);
            Assert.Contains(title, mail.HtmlBody);
        }

        Assert.Equal(3, mail.HtmlBody!.Split("<li>").Length - 1);
    }

    [Fact]
    public async Task A_briefing_alert_carries_its_weeks_markdown_as_text_and_encoded_in_the_html()
    {
        const string markdown = "# Russia's war on Ukraine\n\n> “Finland <b>joined</b> & more”[^1]\n\n[^1]: Finland, nato-news. <https://monitor.example.org/statement.html?id=2>";
        var alert = Alert(1, "Briefing, 3 April 2023–9 April 2023: 1 NATO statement and 1 EP statement", "https://monitor.example.org/briefing.html?from=2023-04-03&to=2023-04-09") with
        {
            Kind = AlertKinds.Briefing, StatementId = null, Revision = null,
            Detail = Monitor.Core.Briefing.BriefingDigest.Detail(new(2023, 4, 3, 0, 0, 0, TimeSpan.Zero), new(2023, 4, 10, 0, 0, 0, TimeSpan.Zero), [], markdown),
        };

        await Channel().SendAsync(Message(12, [alert]), CancellationToken.None);

        var mail = Assert.Single(await _sink.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("[Monitor] Ukraine watch: Briefing, 3 April 2023–9 April 2023: 1 NATO statement and 1 EP statement", mail.Subject);
        Assert.Contains(markdown.Replace("\n", Environment.NewLine, StringComparison.Ordinal), mail.TextBody!.Replace("\r\n", Environment.NewLine, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://monitor.example.org/briefing.html?from=2023-04-03&amp;to=2023-04-09\">", mail.HtmlBody);
        Assert.Contains("“Finland &lt;b&gt;joined&lt;/b&gt; &amp; more”[^1]", mail.HtmlBody);
        Assert.DoesNotContain("<b>joined", mail.HtmlBody);
        Assert.Contains("<pre", mail.HtmlBody);
    }

    [Fact]
    public async Task A_link_that_is_not_a_web_address_stays_text()
    {
        await Channel().SendAsync(Message(8, [Alert(1, "Odd", "javascript:alert(1)")]), CancellationToken.None);

        var mail = Assert.Single(await _sink.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain("href", mail.HtmlBody);
    }

    [Fact]
    public async Task A_recipient_refused_with_550_is_a_permanent_failure()
    {
        _sink.RejectRecipient("analyst@example.org");

        var failure = await Assert.ThrowsAsync<DeliveryException>(() => Channel().SendAsync(Message(9, [Alert(1, "T", "https://example.org/")]), CancellationToken.None));

        Assert.True(failure.Permanent);
        Assert.Equal(550, failure.StatusCode);
        Assert.Empty(_sink.Messages);
    }

    [Fact]
    public async Task A_recipient_deferred_with_450_is_retried()
    {
        _sink.DeferRecipient("analyst@example.org");

        var failure = await Assert.ThrowsAsync<DeliveryException>(() => Channel().SendAsync(Message(10, [Alert(1, "T", "https://example.org/")]), CancellationToken.None));

        Assert.False(failure.Permanent);
        Assert.Equal(450, failure.StatusCode);
    }

    [Fact]
    public async Task A_message_answered_451_is_retried_and_the_retry_carries_the_same_message_id()
    {
        _sink.DeferNextMessages(1);
        var channel = Channel();
        var message = Message(11, [Alert(1, "T", "https://example.org/")]);

        var failure = await Assert.ThrowsAsync<DeliveryException>(() => channel.SendAsync(message, CancellationToken.None));
        await channel.SendAsync(message, CancellationToken.None);

        Assert.False(failure.Permanent);
        Assert.Equal(451, failure.StatusCode);
        Assert.Equal(1, _sink.DeferredMessageCount);
        Assert.Equal("delivery-11@example.org", Assert.Single(_sink.Messages).MessageId);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_retried()
    {
        var closedPort = MonitorProcess.FreePort();

        var failure = await Assert.ThrowsAsync<DeliveryException>(() =>
            Channel(port: closedPort).SendAsync(Message(12, [Alert(1, "T", "https://example.org/")]), CancellationToken.None));

        Assert.False(failure.Permanent);
        Assert.Null(failure.StatusCode);
        Assert.Contains($"127.0.0.1:{closedPort}", failure.Message);
    }

    [Fact]
    public async Task A_server_that_never_greets_times_out_and_is_retried()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepting = silent.AcceptTcpClientAsync();

        var failure = await Assert.ThrowsAsync<DeliveryException>(() =>
            Channel(port: port, timeout: TimeSpan.FromSeconds(1)).SendAsync(Message(13, [Alert(1, "T", "https://example.org/")]), CancellationToken.None));

        Assert.False(failure.Permanent);
        (await accepting).Dispose();
    }

    [Fact]
    public async Task With_a_user_name_the_channel_signs_in_and_a_wrong_password_is_retried()
    {
        await using var relay = await SmtpSink.StartAsync(("monitor", "relay-password"));
        var message = Message(16, [Alert(1, "T", "https://example.org/")]);

        var refused = await Assert.ThrowsAsync<DeliveryException>(() => Channel(relay, "wrong-password").SendAsync(message, CancellationToken.None));
        await Channel(relay, "relay-password").SendAsync(message, CancellationToken.None);

        Assert.False(refused.Permanent);
        Assert.Contains("authentication", refused.Message, StringComparison.OrdinalIgnoreCase);
        // MailKit tries each mechanism the server offers (PLAIN, LOGIN) before it gives up.
        Assert.Equal("refused:monitor", relay.SignIns[0]);
        Assert.All(relay.SignIns.SkipLast(1), signIn => Assert.Equal("refused:monitor", signIn));
        Assert.Equal("monitor", relay.SignIns[^1]);
        Assert.Equal("delivery-16@example.org", Assert.Single(relay.Messages).MessageId);
    }

    [Fact]
    public async Task Without_an_smtp_host_or_an_address_the_channel_refuses_for_good()
    {
        var unconfigured = new EmailChannel(Options.Create(new AlertsOptions()), NullLogger<EmailChannel>.Instance);
        var noHost = await Assert.ThrowsAsync<DeliveryException>(() => unconfigured.SendAsync(Message(14, [Alert(1, "T", "https://example.org/")]), CancellationToken.None));
        var noAddress = await Assert.ThrowsAsync<DeliveryException>(() =>
            Channel().SendAsync(Message(15, [Alert(1, "T", "https://example.org/")]) with { Recipient = new AlertRecipient(5, "analyst", "Ana Lyst", null) }, CancellationToken.None));

        Assert.True(noHost.Permanent);
        Assert.Contains("Alerts:Smtp:Host", noHost.Message);
        Assert.True(noAddress.Permanent);
        Assert.Contains("no email address", noAddress.Message);
        Assert.Empty(_sink.Messages);
    }

    private EmailChannel Channel(int? port = null, TimeSpan? timeout = null) =>
        new(Options.Create(new AlertsOptions
        {
            SendTimeout = timeout ?? TimeSpan.FromSeconds(15),
            Smtp = new SmtpOptions { Host = _sink.Host, Port = port ?? _sink.Port, Security = "None", From = "Monitor <alerts@example.org>" },
        }), NullLogger<EmailChannel>.Instance);

    private static EmailChannel Channel(SmtpSink relay, string password) =>
        new(Options.Create(new AlertsOptions
        {
            Smtp = new SmtpOptions { Host = relay.Host, Port = relay.Port, Security = "None", UserName = "monitor", Password = password, From = "alerts@example.org" },
        }), NullLogger<EmailChannel>.Instance);

    private static DeliveryMessage Message(long deliveryId, IReadOnlyList<AlertRecord> alerts, string delivery = SubscriptionDelivery.Immediate, bool digest = false) =>
        new(deliveryId,
            new Subscription { Id = 3, UserId = 5, Name = "Ukraine watch", Email = true, Delivery = delivery, TimeZone = "Europe/Brussels" },
            new AlertRecipient(5, "analyst", "Ana Lyst", "analyst@example.org"),
            alerts,
            digest);

    private static AlertRecord Alert(long id, string title, string url) => new()
    {
        Id = id,
        SubscriptionId = 3,
        UserId = 5,
        StatementId = 100 + id,
        Revision = 1,
        Title = title,
        Url = url,
        MatchedTopics = ["collective-defence", "nuclear-chemical-threats"],
        TriggeredAt = T0.AddMinutes(id - 1),
    };
}
