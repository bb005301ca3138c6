using Monitor.Contracts;
using Monitor.Data;
using Monitor.Data.Statements;

namespace Monitor.Testing;

/// <summary>
/// A small history for the living briefing's tests (store, API, browser): the number of Allies changing from 30 to 31
/// to 32 and then stated as 31 again two days after 32 (a conflict), NATO and EP statements on the open door with
/// different scores, one before the baseline, and one on sanctions.
/// </summary>
public static class BriefingHistory
{
    /// <summary>The end of the seeded history's period in the tests: after every statement.</summary>
    public static readonly DateTimeOffset Now = new(2025, 1, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The embedded dashboard on a SQLite file holding this history (migrated and seeded before it starts), the
    /// rules-only tagger (no model to load), and an empty feed. <paramref name="ids"/> receives the seeded ids.
    /// </summary>
    public static Task<EmbeddedDashboard> StartDashboardAsync(Dictionary<string, long> ids) =>
        EmbeddedDashboard.StartAsync(
            configure: environment =>
            {
                environment["Tagging__Semantic__Enabled"] = "false";
                // The seeded tags are the test's: no re-tagging with the topic file.
                environment["Tagging__Retag"] = "false";
            },
            prepare: async path =>
            {
                await using var database = new Database(new DatabaseOptions { ConnectionString = $"Data Source={path}" });
                await new Monitor.Data.Migrations.Migrator(database).MigrateAsync();
                foreach (var (name, id) in await SeedAsync(database))
                {
                    ids[name] = id;
                }
            });

    /// <summary>The seeded statements' ids by name: finland, epFinland, sweden, epStale, natoLate, epOld, sanctions.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> SeedAsync(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var store = new StatementStore(database);
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        async Task Save(string name, string source, DateTimeOffset at, string topic, double score, string summary, string body, decimal? allies = null)
        {
            var figures = new List<FigureValue>();
            if (allies is not null)
            {
                var evidence = $"{allies} Allies";
                figures.Add(new FigureValue("allies-count", (double)allies, 30, allies != 30, evidence, "body", body.IndexOf(evidence, StringComparison.Ordinal)));
            }

            var tagged = new StatementTagged(
                new StatementDiscovered(source, name, $"https://example.org/{source}/{name}", $"{name} title", summary, body, at, "en", $"hash-{name}", at)
                {
                    DocumentType = DocumentTypes.PressRelease,
                },
                [new TopicScore(topic, score, [new TopicEvidence(topic, "body", 0, 4)])],
                "baseline-test",
                at)
            {
                Figures = figures,
            };
            var stored = await store.StoreAsync(tagged, at) ?? throw new InvalidOperationException($"{name} was not stored");
            ids[name] = stored.StatementId;
        }

        await Save("epOld", "ep-press", new(2021, 6, 1, 9, 0, 0, TimeSpan.Zero), "open-door-enlargement", 0.9,
            "Parliament backs the open door. Old news.", "Body.");
        await Save("finland", "nato-news", new(2023, 4, 4, 10, 0, 0, TimeSpan.Zero), "open-door-enlargement", 0.9,
            "Finland becomes the 31st Ally of NATO. The flag was raised in Brussels.",
            "Finland joined today. Today NATO has 31 Allies, after the ceremony in Brussels. Leaders welcomed it.", 31);
        await Save("epFinland", "ep-press", new(2023, 4, 5, 10, 0, 0, TimeSpan.Zero), "open-door-enlargement", 0.8,
            "", "Parliament welcomes Finland’s accession to NATO. With Finland the Alliance counts 31 Allies.", 31);
        await Save("sweden", "nato-news", new(2024, 3, 7, 10, 0, 0, TimeSpan.Zero), "open-door-enlargement", 0.9,
            "Sweden joins NATO as its 32nd Ally. The Alliance is stronger.",
            "The Alliance now has 32 Allies. Sweden’s flag was raised.", 32);
        await Save("epStale", "ep-press", new(2024, 3, 9, 10, 0, 0, TimeSpan.Zero), "open-door-enlargement", 0.7,
            "Parliament debates the eastern flank. Members spoke.", "The debate recalled that NATO’s 31 Allies stand together.", 31);
        await Save("natoLate", "nato-news", new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), "open-door-enlargement", 0.3,
            "A weak mention of the open door. Nothing else.", "Body.");
        await Save("sanctions", "nato-news", new(2024, 6, 1, 10, 0, 0, TimeSpan.Zero), "sanctions", 0.9,
            "Allies discussed sanctions enforcement. More.", "Body.");
        return ids;
    }
}
