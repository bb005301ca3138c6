using Monitor.Data.Sources;
using Monitor.Testing;

namespace Monitor.Data.Tests.Sources;

/// <summary>
/// The poll history on both databases: newest first, bounded to <see cref="SourcePollLog.Keep"/> rows per source
/// whatever the number of polls, one source's polls never trimming another's, removed with its source; and an edit
/// of a source's URL forgets the old feed's validators.
/// </summary>
public abstract class SourcePollLogContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_history_is_newest_first_and_bounded_per_source()
    {
        var admin = new SourceAdminStore(Database);
        var log = new SourcePollLog(Database);
        await admin.AddAsync(new SourceDefinition("a", "A", "http://127.0.0.1/a.xml", "rss", 60), T0);
        await admin.AddAsync(new SourceDefinition("b", "B", "http://127.0.0.1/b.xml", "rss", 60), T0);

        await log.RecordAsync("b", new SourcePoll(T0, PollOutcomes.Failure, 0, 0, "HTTP 500 Internal Server Error from http://127.0.0.1/b.xml", 12));
        for (var i = 0; i < SourcePollLog.Keep + 25; i++)
        {
            await log.RecordAsync("a", new SourcePoll(T0.AddMinutes(i), i % 2 == 0 ? PollOutcomes.Success : PollOutcomes.NotModified, 10, i % 3, null, i));
        }

        var a = await log.ListAsync("a", SourcePollLog.Keep + 10);
        var b = await log.ListAsync("b", 5);

        Assert.Equal(SourcePollLog.Keep, a.Count);
        Assert.Equal(T0.AddMinutes(SourcePollLog.Keep + 24), a[0].PolledAt);
        Assert.Equal(T0.AddMinutes(25), a[^1].PolledAt);
        Assert.Equal((PollOutcomes.Success, 10, (SourcePollLog.Keep + 24) % 3, (long)(SourcePollLog.Keep + 24)), (a[0].Outcome, a[0].Items, a[0].NewItems, a[0].DurationMs));
        var failure = Assert.Single(b);
        Assert.Equal((PollOutcomes.Failure, "HTTP 500 Internal Server Error from http://127.0.0.1/b.xml"), (failure.Outcome, failure.Error));
        Assert.Equal(3, (await log.ListAsync("a", 3)).Count);
    }

    [Fact]
    public async Task Removing_a_source_removes_its_history()
    {
        var admin = new SourceAdminStore(Database);
        var log = new SourcePollLog(Database);
        await admin.AddAsync(new SourceDefinition("a", "A", "http://127.0.0.1/a.xml", "rss", 60), T0);
        await log.RecordAsync("a", new SourcePoll(T0, PollOutcomes.Success, 3, 3, null, 40));

        Assert.True(await admin.RemoveAsync("a"));
        await admin.AddAsync(new SourceDefinition("a", "A again", "http://127.0.0.1/a.xml", "rss", 60), T0.AddHours(1));

        Assert.Empty(await log.ListAsync("a", 10));
    }

    [Fact]
    public async Task An_edited_url_forgets_the_old_feeds_validators_and_is_due_at_once_a_renamed_source_keeps_them()
    {
        var admin = new SourceAdminStore(Database);
        var sources = new SourceStore(Database);
        await admin.AddAsync(new SourceDefinition("a", "A", "http://127.0.0.1/a.xml", "rss", 60), T0);
        await sources.RecordSuccessAsync("a", T0, T0.AddMinutes(1), "\"v1\"", "Sun, 06 Dec 2026 09:00:00 GMT", CancellationToken.None);

        Assert.True(await admin.UpdateAsync(new SourceDefinition("a", "Renamed", "http://127.0.0.1/a.xml", "rss", 120), T0.AddSeconds(10)));
        var renamed = Assert.Single(await sources.ListAsync());
        Assert.True(await admin.UpdateAsync(new SourceDefinition("a", "Moved", "http://127.0.0.1/moved.xml", "rss", 120), T0.AddSeconds(20)));
        var moved = Assert.Single(await sources.ListAsync());

        Assert.Equal(("Renamed", 120, "\"v1\"", T0.AddMinutes(1)), (renamed.Name, renamed.PollIntervalSeconds, renamed.ETag, renamed.NextPollAt));
        Assert.Equal(("Moved", "http://127.0.0.1/moved.xml", (string?)null, (string?)null, T0.AddSeconds(20)), (moved.Name, moved.Url, moved.ETag, moved.LastModified, moved.NextPollAt));
        Assert.False(await admin.UpdateAsync(new SourceDefinition("missing", "M", "http://127.0.0.1/m.xml", "rss", 60), T0));
    }
}

public sealed class SqliteSourcePollLogTests() : SourcePollLogContract(Store.Sqlite);

public sealed class PostgresSourcePollLogTests() : SourcePollLogContract(Store.Postgres);
