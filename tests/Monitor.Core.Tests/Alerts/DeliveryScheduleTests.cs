using Monitor.Core.Alerts;

namespace Monitor.Core.Tests.Alerts;

public sealed class DeliveryScheduleTests
{
    private static readonly Subscription Brussels = new() { Name = "b", TimeZone = "Europe/Brussels" };

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Without_quiet_hours_a_send_is_due_at_once()
    {
        var now = Utc(2026, 11, 25, 23, 30);

        Assert.Equal(now, DeliverySchedule.SendAt(Brussels, now));
        Assert.Equal(now, DeliverySchedule.SendAt(Brussels with { QuietStart = "09:00", QuietEnd = "09:00" }, now));
    }

    [Theory]
    [InlineData(22, 30, 2026, 11, 26, 6, 0)] // 23:30 Brussels (CET): quiet until tomorrow 07:00 = 06:00 UTC
    [InlineData(2, 0, 2026, 11, 25, 6, 0)] // 03:00 Brussels: after midnight, until 07:00 the same day
    [InlineData(6, 0, 2026, 11, 25, 6, 0)] // 07:00 Brussels: the window has ended
    [InlineData(11, 0, 2026, 11, 25, 11, 0)] // noon Brussels: not quiet
    [InlineData(21, 0, 2026, 11, 26, 6, 0)] // 22:00 Brussels: the window starts
    public void A_quiet_window_across_midnight_holds_a_send_until_it_ends(int hour, int minute, int year, int month, int day, int dueHour, int dueMinute)
    {
        var quiet = Brussels with { QuietStart = "22:00", QuietEnd = "07:00" };

        Assert.Equal(Utc(year, month, day, dueHour, dueMinute), DeliverySchedule.SendAt(quiet, Utc(2026, 11, 25, hour, minute)));
    }

    [Fact]
    public void A_quiet_window_within_a_day_holds_a_send_until_its_end_that_day()
    {
        var quiet = new Subscription { QuietStart = "09:00", QuietEnd = "17:30" };

        Assert.Equal(Utc(2026, 11, 25, 17, 30), DeliverySchedule.SendAt(quiet, Utc(2026, 11, 25, 10)));
        Assert.Equal(Utc(2026, 11, 25, 8, 59), DeliverySchedule.SendAt(quiet, Utc(2026, 11, 25, 8, 59)));
    }

    [Fact]
    public void A_quiet_end_on_the_night_the_clocks_go_back_is_read_in_the_new_offset()
    {
        // 25 October 2026: Brussels goes from CEST (+2) to CET (+1) at 03:00. 23:30 CEST on the 24th is 21:30 UTC.
        var quiet = Brussels with { QuietStart = "23:00", QuietEnd = "07:00" };

        Assert.Equal(Utc(2026, 10, 25, 6, 0), DeliverySchedule.SendAt(quiet, Utc(2026, 10, 24, 21, 30)));
    }

    [Fact]
    public void A_quiet_end_inside_the_skipped_spring_hour_is_the_first_valid_minute_after_it()
    {
        // 29 March 2026: Brussels skips from 02:00 CET to 03:00 CEST. 02:30 does not exist that night.
        var quiet = Brussels with { QuietStart = "22:00", QuietEnd = "02:30" };

        Assert.Equal(Utc(2026, 3, 29, 1, 0), DeliverySchedule.SendAt(quiet, Utc(2026, 3, 28, 22, 0)));
    }

    [Fact]
    public void An_hourly_digest_is_due_at_the_next_top_of_the_local_hour()
    {
        var kolkata = new Subscription { TimeZone = "Asia/Kolkata", Delivery = SubscriptionDelivery.Hourly };

        // 10:10 UTC is 15:40 in Kolkata (+05:30): the next local hour, 16:00, is 10:30 UTC.
        Assert.Equal(Utc(2026, 11, 25, 10, 30), DeliverySchedule.DigestDueAt(kolkata, Utc(2026, 11, 25, 10, 10)));
        Assert.Equal(Utc(2026, 11, 25, 11, 30), DeliverySchedule.DigestDueAt(kolkata, Utc(2026, 11, 25, 10, 30)));
    }

    [Fact]
    public void A_daily_digest_is_due_at_the_next_digest_hour_local_across_a_clock_change()
    {
        var daily = Brussels with { Delivery = SubscriptionDelivery.Daily, DigestHour = 8 };

        Assert.Equal(Utc(2026, 11, 25, 7, 0), DeliverySchedule.DigestDueAt(daily, Utc(2026, 11, 25, 5, 0)));
        Assert.Equal(Utc(2026, 11, 26, 7, 0), DeliverySchedule.DigestDueAt(daily, Utc(2026, 11, 25, 7, 30)));
        // 28 March 09:00 CET; the next 08:00 is on the 29th, in CEST (+2): 06:00 UTC.
        Assert.Equal(Utc(2026, 3, 29, 6, 0), DeliverySchedule.DigestDueAt(daily, Utc(2026, 3, 28, 8, 0)));
    }

    [Fact]
    public void A_digest_due_inside_quiet_hours_waits_for_their_end()
    {
        var daily = Brussels with { Delivery = SubscriptionDelivery.Daily, DigestHour = 6, QuietStart = "22:00", QuietEnd = "07:00" };
        var hourly = Brussels with { Delivery = SubscriptionDelivery.Hourly, QuietStart = "22:00", QuietEnd = "07:00" };

        Assert.Equal(Utc(2026, 11, 26, 6, 0), DeliverySchedule.DigestDueAt(daily, Utc(2026, 11, 25, 12, 0)));
        Assert.Equal(Utc(2026, 11, 26, 6, 0), DeliverySchedule.DigestDueAt(hourly, Utc(2026, 11, 25, 21, 15)));
        Assert.Equal(Utc(2026, 11, 25, 20, 0), DeliverySchedule.DigestDueAt(hourly, Utc(2026, 11, 25, 19, 15)));
        // 21:15 local: the next hour, 22:00, starts the quiet window.
        Assert.Equal(Utc(2026, 11, 26, 6, 0), DeliverySchedule.DigestDueAt(hourly, Utc(2026, 11, 25, 20, 15)));
    }

    [Fact]
    public void An_unknown_time_zone_reads_as_utc()
    {
        var quiet = new Subscription { TimeZone = "Mars/Olympus_Mons", QuietStart = "00:00", QuietEnd = "06:00" };

        Assert.Null(DeliverySchedule.FindTimeZone("Mars/Olympus_Mons"));
        Assert.NotNull(DeliverySchedule.FindTimeZone("America/New_York"));
        Assert.Equal(Utc(2026, 11, 25, 6, 0), DeliverySchedule.SendAt(quiet, Utc(2026, 11, 25, 1, 0)));
    }
}
