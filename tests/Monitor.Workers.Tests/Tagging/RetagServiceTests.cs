using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Monitor.Contracts;
using Monitor.Core.Tagging;
using Monitor.Data;
using Monitor.Embeddings;
using Monitor.Data.Statements;
using Monitor.Data.Tagging;
using Monitor.Tagging;
using Monitor.Testing;

namespace Monitor.Workers.Tests.Tagging;

/// <summary>The Tagging worker's background re-tagging, on a real SQLite file.</summary>
public sealed class RetagServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private MigratedSqlite _sqlite = null!;

    private Database _database => _sqlite.Database;

    public async Task InitializeAsync() => _sqlite = await MigratedSqlite.CreateAsync();

    public Task DisposeAsync() => _sqlite.DisposeAsync();

    [Fact]
    public async Task Statements_tagged_by_an_old_topic_file_are_retagged_with_the_current_one()
    {
        var statements = new StatementStore(_database);
        for (var i = 0; i < 3; i++)
        {
            var discovered = new StatementDiscovered("nato-news", $"ext-{i}", $"https://example.org/{i}",
                "NATO now has 32 Allies", "Allies reaffirmed that Article 5 and collective defence are iron-clad.", "", Now, "en", $"hash-{i}", Now);
            await statements.StoreAsync(new StatementTagged(discovered, [new TopicScore("sanctions", 0.5, [])], "old-version", Now), Now);
        }

        var tagger = new Tagger(TopicFile.LoadDefault());
        var service = new RetagService(new RetagStore(_database), tagger, new TaggingOptions { RetagBatchSize = 2 }, TimeProvider.System, NullLogger<RetagService>.Instance);
        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        var run = await new RetagStore(_database).GetLatestAsync();
        Assert.Equal((tagger.BaselineVersion, 3, 3), (run!.BaselineVersion, run.Total, run.Done));
        Assert.NotNull(run.FinishedAt);
        await using var connection = await _database.OpenAsync();
        Assert.Equal([tagger.BaselineVersion], await connection.QueryAsync<string>("SELECT DISTINCT baseline_version FROM statement_topics"));
        Assert.All(await statements.GetLatestAsync(10), s =>
        {
            Assert.Contains(s.Topics, t => t.TopicId == "collective-defence");
            Assert.DoesNotContain(s.Topics, t => t.TopicId == "sanctions");
            Assert.Equal(("allies-count", 32d, true), (Assert.Single(s.Figures).FigureId, s.Figures[0].Value, s.Figures[0].Drift));
        });
    }
}
