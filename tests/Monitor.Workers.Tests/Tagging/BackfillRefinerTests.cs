using Dapper;
using Microsoft.Extensions.Logging;
using Monitor.Contracts;
using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Semantic;
using Monitor.Data.Backfill;
using Monitor.Data.Statements;
using Monitor.Data.Tagging;
using Monitor.Embeddings;
using Monitor.Tagging;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Tagging;

/// <summary>The refinement of backfilled statements' rules-first tags with the live (hybrid) tagger, on a real SQLite file.</summary>
public sealed class BackfillRefinerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_statement_the_live_tagger_fails_on_keeps_its_rules_first_tags_and_the_ones_after_it_are_refined()
    {
        using var sqlite = await MigratedSqlite.CreateAsync();
        var statements = new StatementStore(sqlite.Database);
        string[] titles = ["NATO now has 32 Allies", "Poison pill statement on the Arctic", "Allies agree to spend more on defence"];
        for (var i = 0; i < titles.Length; i++)
        {
            var discovered = new StatementDiscovered("nato-news", $"ext-{i}", $"https://example.org/{i}", titles[i],
                "Allies reaffirmed that Article 5 and collective defence are iron-clad.", "", Now, "en", $"hash-{i}", Now);
            await statements.StoreAsync(new StatementTagged(discovered, [new TopicScore("sanctions", 0.5, [])], "rules-first", Now), Now);
        }

        await using (var connection = await sqlite.Database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE statements SET backfill_revision = 1, backfill_tags = 'rules-first'");
        }

        // The model fails on the second statement's title, every time, as a poison input does.
        var tagger = Taggers.Create(TopicFile.LoadDefault(), Taggers.Mode.Hybrid, embedder: new FailingEmbedder(Taggers.Embedder, "poison pill"));
        var logs = new ListLogger<BackfillRefiner>();
        var refiner = new BackfillRefiner(new RetagStore(sqlite.Database), new BackfillStore(sqlite.Database), tagger, new TaggingOptions { RefineBackfill = true },
            TimeProvider.System, logs);
        await refiner.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await new RetagStore(sqlite.Database).CountBackfilledAsync(tagger.BaselineVersion) > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the backfilled statements were never all refined or kept: the failing one holds the rest back");
                await Task.Delay(100);
            }
        }
        finally
        {
            await refiner.StopAsync(CancellationToken.None);
        }

        await using var db = await sqlite.Database.OpenAsync();
        var versions = (await db.QueryAsync<(string Title, string Version)>(
            "SELECT s.title, t.baseline_version FROM statement_topics t JOIN statements s ON s.id = t.statement_id ORDER BY s.id")).ToList();
        Assert.Equal(["rules-first"], versions.Where(v => v.Title == titles[1]).Select(v => v.Version).Distinct());
        Assert.All(versions.Where(v => v.Title != titles[1]), v => Assert.Equal(tagger.BaselineVersion, v.Version));
        Assert.Contains(versions, v => v.Title == titles[0]);
        Assert.Contains(versions, v => v.Title == titles[2]);
        Assert.Contains(logs.Messages, m => m.Contains("keeps its rules-first tags", StringComparison.Ordinal));
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));
    }

    private sealed class FailingEmbedder(ISentenceEmbedder inner, string marker) : ISentenceEmbedder
    {
        public string ModelId => inner.ModelId;

        public float[][] Embed(IReadOnlyList<string> sentences) =>
            sentences.Any(s => s.Contains(marker, StringComparison.OrdinalIgnoreCase))
                ? throw new InvalidOperationException("the model failed on this sentence")
                : inner.Embed(sentences);
    }
}
