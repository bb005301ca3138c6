using Monitor.Hosting.Net;
using Monitor.Ingestion.Polling;

namespace Monitor.Workers.Tests.Polling;

public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, 300)]
    [InlineData(60, 300)]
    [InlineData(900, 900)]
    [InlineData(86400, 1200)]
    public void A_max_age_longer_than_the_interval_delays_the_next_poll_up_to_four_intervals(int? maxAgeSeconds, int expectedSeconds)
    {
        var next = PollSchedule.AfterSuccess(Now, 300, maxAgeSeconds is { } s ? TimeSpan.FromSeconds(s) : null, 4);

        Assert.Equal(Now.AddSeconds(expectedSeconds), next);
    }

    [Fact]
    public void A_retry_after_later_than_the_backoff_wins_and_an_earlier_one_does_not()
    {
        var later = PollSchedule.AfterFailure(Now, 60, 1, Now.AddMinutes(30));
        var earlier = PollSchedule.AfterFailure(Now, 60, 1, Now.AddSeconds(1));
        var absurd = PollSchedule.AfterFailure(Now, 60, 1, Now.AddYears(1));

        Assert.Equal(Now.AddMinutes(30), later);
        Assert.InRange(earlier, Now.AddSeconds(48), Now.AddSeconds(72));
        Assert.Equal(Now + PollSchedule.MaxRetryAfter, absurd);
    }

    [Fact]
    public void Backoff_doubles_with_jitter_and_stops_at_an_hour()
    {
        Assert.InRange(PollSchedule.Backoff(60, 1), TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72));
        Assert.InRange(PollSchedule.Backoff(60, 3), TimeSpan.FromSeconds(192), TimeSpan.FromSeconds(288));
        Assert.InRange(PollSchedule.Backoff(60, 50), TimeSpan.FromMinutes(48), TimeSpan.FromMinutes(72));
    }

    [Fact]
    public void The_typical_gap_is_the_median_gap_between_publication_dates()
    {
        DateTimeOffset? At(int hours) => Now.AddHours(-hours);

        Assert.Equal(TimeSpan.FromHours(2), SourceRhythm.TypicalGap([At(0), At(2), At(4), At(5), At(30), null]));
        Assert.Null(SourceRhythm.TypicalGap([At(0), At(1), null]));
    }

    [Fact]
    public void A_source_is_quiet_after_three_typical_gaps_or_the_floor_whichever_is_longer()
    {
        var floor = TimeSpan.FromHours(12);

        Assert.False(SourceRhythm.IsQuiet(Now.AddHours(-11), TimeSpan.FromHours(1), Now, floor));
        Assert.True(SourceRhythm.IsQuiet(Now.AddHours(-13), TimeSpan.FromHours(1), Now, floor));
        Assert.False(SourceRhythm.IsQuiet(Now.AddHours(-20), TimeSpan.FromHours(8), Now, floor));
        Assert.True(SourceRhythm.IsQuiet(Now.AddHours(-25), TimeSpan.FromHours(8), Now, floor));
        Assert.False(SourceRhythm.IsQuiet(null, TimeSpan.FromHours(1), Now, floor));
        Assert.True(SourceRhythm.IsQuiet(Now.AddHours(-13), null, Now, floor));
    }

    [Theory]
    [InlineData("93.184.215.14", null)]
    [InlineData("2606:4700:4700::1111", null)]
    [InlineData("::ffff:10.1.2.3", "refused: ::ffff:10.1.2.3 (IPv4 10.1.2.3) is a private address")]
    [InlineData("fd12::1", "refused: fd12::1 is a private (unique local) address")]
    [InlineData("fe80::1", "refused: fe80::1 is a link-local address")]
    [InlineData("100.64.0.1", "refused: 100.64.0.1 is a CGNAT (shared) address")]
    [InlineData("239.1.1.1", "refused: 239.1.1.1 is a multicast address")]
    [InlineData("0.0.0.0", "refused: 0.0.0.0 is an unspecified address")]
    [InlineData("172.20.0.5", null, "172.16.0.0/12")]
    [InlineData("127.0.0.1", null, "127.0.0.1")]
    public void The_network_guard_names_what_it_refuses_and_lets_allowed_networks_through(string address, string? refusal, string? allowed = null)
    {
        var guard = new NetworkGuard(allowed is null ? [] : [allowed]);

        Assert.Equal(refusal is null ? null : refusal + "; allow it with Ingestion:AllowedNetworks", guard.Refusal(System.Net.IPAddress.Parse(address)));
    }

    [Fact]
    public void A_malformed_allowed_network_is_rejected_with_the_setting_named()
    {
        Assert.False(NetworkGuard.IsNetwork("localhost"));
        Assert.True(NetworkGuard.IsNetwork("10.0.0.0/8"));
        var error = Assert.Throws<InvalidOperationException>(() => new NetworkGuard(["10.0.0.0/33"]));
        Assert.Contains("Ingestion:AllowedNetworks", error.Message, StringComparison.Ordinal);
    }
}
