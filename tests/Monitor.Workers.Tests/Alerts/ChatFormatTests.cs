using System.Text;
using Monitor.Alerts;
using Monitor.Alerts.Delivery;
using Monitor.Core.Alerts;
using Monitor.Data.Alerts;

namespace Monitor.Workers.Tests.Alerts;

/// <summary>The ntfy and Telegram texts on their own: header encoding, escaping, the length limits, and Retry-After's effect on the wait.</summary>
public sealed class ChatFormatTests
{
    [Theory]
    [InlineData("Plain ASCII title: 1.5% & <b>")]
    [InlineData("Zürich — “quoted” € 😀")]
    [InlineData("=?UTF-8?B?not really encoded?=")]
    public void A_header_value_is_ascii_and_decodes_back_to_the_title(string title)
    {
        var value = ChatFormat.HeaderValue(title);

        Assert.All(value, c => Assert.InRange(c, ' ', '~'));
        Assert.Equal(title, MimeKit.Utils.Rfc2047.DecodeText(Encoding.ASCII.GetBytes(value)));
        Assert.All(value.Split(' ').Where(w => w.StartsWith("=?", StringComparison.Ordinal)), word => Assert.True(word.Length <= 75, word));
    }

    [Fact]
    public void A_long_non_ascii_title_is_split_into_encoded_words_between_characters()
    {
        var title = string.Concat(Enumerable.Repeat("Überwachung 😀 ", 20)).Trim();

        var value = ChatFormat.HeaderValue(title);

        Assert.True(value.Split(' ').Length > 5);
        Assert.Equal(title, MimeKit.Utils.Rfc2047.DecodeText(Encoding.ASCII.GetBytes(value)));
    }

    [Fact]
    public void Markdown_v2_escapes_every_reserved_character_and_a_link_only_its_parenthesis_and_backslash()
    {
        Assert.Equal(@"\_\*\[\]\(\)\~\`\>\#\+\-\=\|\{\}\.\!\\ plain", ChatFormat.EscapeMarkdownV2(@"_*[]()~`>#+-=|{}.!\ plain"));
        Assert.Equal(@"https://x.org/a_(b\)?c=1.2\\", ChatFormat.EscapeMarkdownV2Url(@"https://x.org/a_(b)?c=1.2\"));
        Assert.Equal("&lt;b&gt; &amp;amp; &quot;x&quot;", ChatFormat.EscapeHtml("<b> &amp; \"x\""));
    }

    [Fact]
    public void A_digest_too_long_for_telegram_or_ntfy_ends_with_how_many_more_there_are()
    {
        var alerts = Enumerable.Range(1, 200).Select(i => new AlertRecord
        {
            Id = i, Title = $"Statement number {i} with a long title about sanctions, air defence and the summit in Vilnius", Url = $"https://example.org/statements/{i}",
        }).ToList();
        var message = new DeliveryMessage(1, new Subscription { Name = "all" }, new AlertRecipient(1, "ana", "Ana", null), alerts, Digest: true);

        foreach (var mode in new[] { "HTML", "MarkdownV2" })
        {
            var text = ChatFormat.TelegramText(message, mode);
            Assert.True(text.Length <= ChatFormat.MaxTelegramChars, $"{mode}: {text.Length}");
            Assert.Matches(@"… and \d+ more in Monitor's alerts inbox$", mode == "HTML" ? text : text.Replace("\\", "", StringComparison.Ordinal));
        }

        var ntfy = ChatFormat.NtfyMessage(message);
        Assert.True(Encoding.UTF8.GetByteCount(ntfy) <= ChatFormat.MaxNtfyMessageBytes);
        var shown = ntfy.Split('\n').Count(l => l.StartsWith('•'));
        Assert.EndsWith($"… and {200 - shown} more in Monitor's alerts inbox", ntfy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0.5, null, 30)] // the backoff alone
    [InlineData(1, 0.5, 90.0, 90)] // the receiver asked for longer
    [InlineData(1, 0.5, 5.0, 30)] // the receiver asked for less: the backoff still applies
    [InlineData(1, 0.5, 86400.0, 3600)] // a day is capped at an hour
    public void Retry_after_lengthens_the_wait_up_to_an_hour(int attempts, double random, double? retryAfter, double seconds)
    {
        var options = new AlertsOptions { FirstRetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromMinutes(10) };

        var delay = DeliveryDispatcher.RetryDelay(options, attempts, random, retryAfter is { } s ? TimeSpan.FromSeconds(s) : null);

        Assert.Equal(seconds, delay.TotalSeconds, 2);
    }
}
