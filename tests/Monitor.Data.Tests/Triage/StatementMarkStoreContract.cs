using Dapper;
using Monitor.Contracts;
using Monitor.Data.History;
using Monitor.Data.Statements;
using Monitor.Data.Triage;

namespace Monitor.Data.Tests.Triage;

/// <summary>
/// Each user's read state, stars, labels and notes on both databases: every query is scoped to the user, so Bob never
/// reads or changes Alice's marks; the history's unread, starred and label filters see the caller's marks only.
/// </summary>
public abstract class StatementMarkStoreContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private long _alice;
    private long _bob;
    private long[] _ids = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _alice = await AddUserAsync("alice");
        _bob = await AddUserAsync("bob");
        var statements = new StatementStore(Database);
        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            // Published an hour apart, oldest first: ids[5] is the newest.
            ids.Add((await Save(statements, $"s{i}", T0.AddHours(i), i % 2 == 0 ? "sanctions" : "energy")).StatementId);
        }

        _ids = [.. ids];
    }

    [Fact]
    public async Task Read_star_labels_and_note_are_stored_per_user_and_a_statement_without_marks_has_none()
    {
        var marks = new StatementMarkStore(Database);

        Assert.True(await marks.SetReadAsync(_alice, _ids[0], true, T0));
        Assert.True(await marks.SetStarredAsync(_alice, _ids[0], true, T0.AddMinutes(1)));
        Assert.True(await marks.SetLabelsAsync(_alice, _ids[0], ["Follow-up", "brief", "follow-up "], T0.AddMinutes(2)));
        Assert.True(await marks.SetNoteAsync(_alice, _ids[0], "  Ask the desk.  ", T0.AddMinutes(3)));
        Assert.True(await marks.SetStarredAsync(_alice, _ids[1], true, T0));

        var first = (await marks.GetAsync(_alice, _ids[0]))!;
        Assert.Equal((_ids[0], T0, T0.AddMinutes(1), "Ask the desk."), (first.StatementId, first.ReadAt, first.StarredAt, first.Note));
        Assert.Equal(["brief", "follow-up"], first.Labels);
        var none = (await marks.GetAsync(_alice, _ids[2]))!;
        Assert.Equal((_ids[2], null, null, null, 0), (none.StatementId, none.ReadAt, none.StarredAt, none.Note, none.Labels.Count));
        Assert.Null(await marks.GetAsync(_alice, 987_654));

        var many = await marks.GetManyAsync(_alice, [_ids[0], _ids[1], _ids[2], _ids[0]]);
        Assert.Equal([_ids[0], _ids[1]], many.Select(m => m.StatementId));
        Assert.Empty(await marks.GetManyAsync(_bob, _ids));
    }

    [Fact]
    public async Task Marking_again_keeps_the_first_time_and_unmarking_clears_it()
    {
        var marks = new StatementMarkStore(Database);

        await marks.SetReadAsync(_alice, _ids[0], true, T0);
        await marks.SetReadAsync(_alice, _ids[0], true, T0.AddHours(1));
        Assert.Equal(T0, (await marks.GetAsync(_alice, _ids[0]))!.ReadAt);

        await marks.SetReadAsync(_alice, _ids[0], false, T0.AddHours(2));
        await marks.SetStarredAsync(_alice, _ids[0], true, T0.AddHours(2));
        await marks.SetStarredAsync(_alice, _ids[0], false, T0.AddHours(3));
        await marks.SetNoteAsync(_alice, _ids[0], "x", T0);
        await marks.SetNoteAsync(_alice, _ids[0], "   ", T0);
        await marks.SetLabelsAsync(_alice, _ids[0], ["a"], T0);
        await marks.SetLabelsAsync(_alice, _ids[0], [], T0);

        var mark = (await marks.GetAsync(_alice, _ids[0]))!;
        Assert.Null(mark.ReadAt);
        Assert.Null(mark.StarredAt);
        Assert.Null(mark.Note);
        Assert.Empty(mark.Labels);
        Assert.Empty(await marks.GetManyAsync(_alice, [_ids[0]]));
    }

    [Fact]
    public async Task A_missing_statement_is_not_marked_and_bad_labels_or_notes_are_refused()
    {
        var marks = new StatementMarkStore(Database);

        Assert.False(await marks.SetReadAsync(_alice, 987_654, true, T0));
        Assert.False(await marks.SetStarredAsync(_alice, 987_654, true, T0));
        Assert.False(await marks.SetNoteAsync(_alice, 987_654, "x", T0));
        Assert.False(await marks.SetLabelsAsync(_alice, 987_654, ["x"], T0));
        await Assert.ThrowsAsync<ArgumentException>(() => marks.SetLabelsAsync(_alice, _ids[0], [new string('a', TriageRules.MaxLabelLength + 1)], T0));
        await Assert.ThrowsAsync<ArgumentException>(() => marks.SetLabelsAsync(_alice, _ids[0], ["-dash-first"], T0));
        await Assert.ThrowsAsync<ArgumentException>(() => marks.SetLabelsAsync(_alice, _ids[0], Enumerable.Range(0, TriageRules.MaxLabels + 1).Select(i => $"l{i}").ToList(), T0));
        await Assert.ThrowsAsync<ArgumentException>(() => marks.SetNoteAsync(_alice, _ids[0], new string('n', TriageRules.MaxNoteLength + 1), T0));

        await using var connection = await Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM statement_marks"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM statement_labels"));
    }

    [Fact]
    public async Task One_users_marks_never_change_another_users()
    {
        var marks = new StatementMarkStore(Database);
        Assert.Empty(await marks.LabelsAsync(_alice));
        await marks.SetReadAsync(_alice, _ids[0], true, T0);
        await marks.SetStarredAsync(_alice, _ids[0], true, T0);
        await marks.SetLabelsAsync(_alice, _ids[0], ["alice-only"], T0);
        await marks.SetNoteAsync(_alice, _ids[0], "Alice's note", T0);

        await marks.SetReadAsync(_bob, _ids[0], false, T0.AddHours(1));
        await marks.SetStarredAsync(_bob, _ids[0], false, T0.AddHours(1));
        await marks.SetLabelsAsync(_bob, _ids[0], ["bob"], T0.AddHours(1));
        await marks.SetNoteAsync(_bob, _ids[0], null, T0.AddHours(1));

        var alice = (await marks.GetAsync(_alice, _ids[0]))!;
        Assert.Equal(T0, alice.ReadAt);
        Assert.Equal(T0, alice.StarredAt);
        Assert.Equal(["alice-only"], alice.Labels);
        Assert.Equal("Alice's note", alice.Note);
        var bob = (await marks.GetAsync(_bob, _ids[0]))!;
        Assert.Null(bob.ReadAt);
        Assert.Equal(["bob"], bob.Labels);
        Assert.Equal([new LabelCount("alice-only", 1)], await marks.LabelsAsync(_alice));
        Assert.Equal([new LabelCount("bob", 1)], await marks.LabelsAsync(_bob));
    }

    [Fact]
    public async Task History_filters_unread_starred_and_label_see_the_callers_marks_only()
    {
        var marks = new StatementMarkStore(Database);
        var history = new HistoryStore(Database);
        await marks.SetReadAsync(_alice, _ids[5], true, T0);
        await marks.SetReadAsync(_alice, _ids[4], true, T0);
        await marks.SetStarredAsync(_alice, _ids[1], true, T0);
        await marks.SetStarredAsync(_alice, _ids[3], true, T0);
        await marks.SetLabelsAsync(_alice, _ids[3], ["brief"], T0);
        await marks.SetLabelsAsync(_bob, _ids[2], ["brief"], T0);
        await marks.SetStarredAsync(_bob, _ids[0], true, T0);

        async Task<long[]> Search(TriageFilter triage, params string[] topics) =>
            [.. (await history.SearchAsync(new HistoryFilter { Triage = triage, Topics = topics }, HistorySort.Date, 50, null)).Items.Select(s => s.StatementId)];

        Assert.Equal([_ids[3], _ids[2], _ids[1], _ids[0]], await Search(new TriageFilter(_alice, true, false, null)));
        Assert.Equal(_ids.Reverse(), await Search(new TriageFilter(_bob, true, false, null)));
        Assert.Equal([_ids[3], _ids[1]], await Search(new TriageFilter(_alice, false, true, null)));
        Assert.Equal([_ids[3]], await Search(new TriageFilter(_alice, false, false, "brief")));
        Assert.Equal([_ids[2]], await Search(new TriageFilter(_bob, false, false, "brief")));
        Assert.Equal([_ids[3], _ids[1]], await Search(new TriageFilter(_alice, true, true, null)));
        // One topic walks the topic rows (t.statement_id); the triage clauses follow it.
        Assert.Equal([_ids[2], _ids[0]], await Search(new TriageFilter(_alice, true, false, null), "sanctions"));
        Assert.Equal([_ids[3], _ids[1]], await Search(new TriageFilter(_alice, false, true, null), "energy"));
        Assert.Equal(new HistoryTotal(2, false), await history.CountAsync(new HistoryFilter { Triage = new TriageFilter(_alice, false, true, null), Topics = ["energy"] }));
        Assert.Equal(new HistoryTotal(4, false), await history.CountAsync(new HistoryFilter { Triage = new TriageFilter(_alice, true, false, null) }));
    }

    [Fact]
    public async Task Mark_read_up_to_a_statement_reads_it_and_everything_older_that_matches_for_that_user_only()
    {
        var marks = new StatementMarkStore(Database);
        await marks.SetReadAsync(_alice, _ids[0], true, T0);

        var result = await marks.MarkReadUpToAsync(_alice, new HistoryFilter { Topics = ["sanctions"] }, T0.AddHours(4), _ids[4], T0.AddDays(1));

        // sanctions: ids 0, 2, 4; 0 was read already.
        Assert.Equal(new MarkReadResult(2, false), result);
        var read = (await marks.GetManyAsync(_alice, _ids)).Where(m => m.ReadAt is not null).ToDictionary(m => m.StatementId, m => m.ReadAt);
        Assert.Equal([_ids[0], _ids[2], _ids[4]], read.Keys.Order());
        Assert.Equal(T0, read[_ids[0]]);
        Assert.Equal(T0.AddDays(1), read[_ids[4]]);
        Assert.Empty(await marks.GetManyAsync(_bob, _ids));

        var byTime = await marks.MarkReadUpToAsync(_alice, new HistoryFilter(), T0.AddHours(3), null, T0.AddDays(2));
        Assert.Equal(new MarkReadResult(2, false), byTime); // 1 and 3 (0 and 2 were read)
        Assert.Equal([_ids[5]], (await history(Database).SearchAsync(new HistoryFilter { Triage = new TriageFilter(_alice, true, false, null) }, HistorySort.Date, 50, null)).Items.Select(s => s.StatementId));

        static HistoryStore history(Database database) => new(database);
    }

    private async Task<long> AddUserAsync(string name)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO users (user_name, display_name, email, role, security_stamp, created_at)
            VALUES (@Name, @Name, NULL, 'analyst', 'stamp', @Now) RETURNING id
            """, new { Name = name, Now = Database.ToDb(T0) });
    }

    private static async Task<StatementStored> Save(StatementStore statements, string externalId, DateTimeOffset published, string topic)
    {
        var tagged = new StatementTagged(
            new StatementDiscovered("nato-news", externalId, $"https://example.org/{externalId}", $"Title {externalId}", "Summary", "Body",
                published, "en", $"hash-{externalId}", published) { DocumentType = DocumentTypes.Speech },
            [new TopicScore(topic, 0.9, [new TopicEvidence(topic, "body", 0, 4)])],
            "baseline-v1",
            published);
        return await statements.StoreAsync(tagged, published) ?? throw new InvalidOperationException($"{externalId} was not stored");
    }
}

public sealed class SqliteStatementMarkStoreTests() : StatementMarkStoreContract(Store.Sqlite);

public sealed class PostgresStatementMarkStoreTests() : StatementMarkStoreContract(Store.Postgres);
