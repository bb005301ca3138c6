using Dapper;
using Monitor.Contracts;
using Monitor.Core.Events;
using Monitor.Data.Events;
using Monitor.Data.History;
using Monitor.Data.Outbox;
using Monitor.Data.Statements;

namespace Monitor.Data.Tests.Events;

/// <summary>Events in the store: the clustering lease and page, and the read side, on SQLite and PostgreSQL alike.</summary>
public abstract class EventStoreContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task One_owner_holds_the_lease_until_it_lapses_and_a_new_holder_gets_a_new_epoch()
    {
        var events = new EventStore(Database);

        var first = await events.TryLeaseAsync("a", T0, Lease);
        Assert.Null(await events.TryLeaseAsync("b", T0.AddSeconds(10), Lease));
        Assert.Equal(first, await events.TryLeaseAsync("a", T0.AddSeconds(10), Lease));
        var taken = await events.TryLeaseAsync("b", T0.AddMinutes(5), Lease);

        Assert.NotNull(first);
        Assert.Equal(first + 1, taken);
        Assert.Null(await events.BeginPageAsync("a", first!.Value, T0.AddMinutes(5), Lease));
        await using var page = await events.BeginPageAsync("b", taken!.Value, T0.AddMinutes(5), Lease);
        Assert.NotNull(page);
    }

    [Fact]
    public async Task Next_reads_statements_after_the_checkpoint_with_their_day_institution_and_topics_and_a_committed_page_moves_it()
    {
        var nato = await StoreAsync("nato-news", "a", "NATO summit opens", T0, "collective-defence", "sanctions");
        var ep = await StoreAsync("ep-press", "b", "Parliament votes on sanctions", T0.AddDays(1), "sanctions");
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;

        var next = await events.NextAsync(10);

        Assert.Equal([(nato, "NATO", new DateOnly(2026, 12, 1)), (ep, "EP", new DateOnly(2026, 12, 2))], next.Select(s => (s.StatementId, s.Institution, s.Day)));
        Assert.Equal(["collective-defence", "sanctions"], next[0].Topics);
        Assert.StartsWith("Summary of a", next[0].Text, StringComparison.Ordinal);
        await using (var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!)
        {
            await page.WriteAsync(Statement(nato, T0), new EventAssignment(nato, 1, true, "first statement", []), new Dictionary<long, string>());
            await page.CommitAsync(nato);
        }

        Assert.Equal(nato, await events.CheckpointAsync());
        Assert.Equal([ep], (await events.NextAsync(10)).Select(s => s.StatementId));
    }

    [Fact]
    public async Task A_statement_behind_the_checkpoint_in_no_event_is_read_again()
    {
        var a = await StoreAsync("nato-news", "a", "First", T0);
        var b = await StoreAsync("nato-news", "b", "Second", T0);
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;
        await using (var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!)
        {
            // b's page moved the checkpoint past a, which was not in it (its transaction committed late).
            await page.WriteAsync(Statement(b, T0), new EventAssignment(b, 1, true, "first statement", []), new Dictionary<long, string>());
            await page.CommitAsync(b);
        }

        Assert.Equal([a], (await events.NextAsync(10)).Select(s => s.StatementId));
    }

    [Fact]
    public async Task A_page_not_committed_writes_nothing()
    {
        var a = await StoreAsync("nato-news", "a", "First", T0);
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;
        await using (var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!)
        {
            await page.WriteAsync(Statement(a, T0), new EventAssignment(a, 1, true, "first statement", []), new Dictionary<long, string>());
        }

        Assert.Equal(0, await events.CheckpointAsync());
        Assert.Empty((await new EventQueries(Database).ListAsync(new EventFilter(), 10, null)).Items);
    }

    [Fact]
    public async Task Events_are_rebuilt_from_their_stored_members()
    {
        var a = await StoreAsync("nato-news", "a", "First", T0);
        var b = await StoreAsync("ep-press", "b", "Second", T0.AddDays(2));
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;
        await using var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!;
        await page.WriteAsync(Statement(a, T0, "NATO", [1, 0, 0], ["sanctions"], ["2024/2988(RSP)"]), new EventAssignment(a, 4, true, "first statement", []), new Dictionary<long, string>());
        await page.WriteAsync(Statement(b, T0.AddDays(2), "EP", [0, 1, 0]), new EventAssignment(b, 4, false, "same reference 2024/2988(RSP)", []), new Dictionary<long, string>());

        var rebuilt = Assert.Single(await page.EventsAroundAsync(new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 3), new EventOptions()));

        Assert.Equal(4, rebuilt.Id);
        Assert.Equal([(a, "NATO", "first statement"), (b, "EP", "same reference 2024/2988(RSP)")], rebuilt.Members.Select(m => (m.StatementId, m.Institution, m.Reason)));
        Assert.Equal([0.70710677f, 0.70710677f, 0f], rebuilt.Centroid);
        Assert.Equal(1, rebuilt.Topics["sanctions"]);
        Assert.Equal(1, rebuilt.References["2024/2988(RSP)"]);
        Assert.Equal(4, await page.MaxEventIdAsync());
        Assert.Equal(new DateOnly(2026, 12, 3), await page.LatestDayAsync());
        Assert.Empty(await page.EventsAroundAsync(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), new EventOptions()));
    }

    [Fact]
    public async Task The_list_is_newest_first_in_keyset_pages_and_filters_by_topic_and_both_institutions()
    {
        await ThreeEventsAsync();
        var queries = new EventQueries(Database);

        var first = await queries.ListAsync(new EventFilter(), 2, null);
        var second = await queries.ListAsync(new EventFilter(), 2, first.NextCursor);

        Assert.Equal([3L, 1], first.Items.Select(e => e.Id));
        Assert.NotNull(first.NextCursor);
        Assert.Equal([2L], second.Items.Select(e => e.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal([1L], (await queries.ListAsync(new EventFilter(BothInstitutions: true), 10, null)).Items.Select(e => e.Id));
        Assert.Equal([3L, 1], (await queries.ListAsync(new EventFilter(TopicId: "sanctions"), 10, null)).Items.Select(e => e.Id));
        Assert.Empty((await queries.ListAsync(new EventFilter(TopicId: "nuclear"), 10, null)).Items);
        var one = first.Items[1];
        Assert.Equal((new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 4), "NATO ministers meet", 4, 3, 1),
            (one.FirstDay, one.LastDay, one.Title, one.Members, one.NatoMembers, one.EpMembers));
        Assert.Equal(["NATO", "EP"], one.Institutions);
        await Assert.ThrowsAsync<FormatException>(() => queries.ListAsync(new EventFilter(), 2, "yesterday"));
    }

    [Fact]
    public async Task The_list_filters_by_institution_days_topics_entities_and_title_words_in_keyset_pages()
    {
        var ids = await ThreeEventsAsync();
        await NameAsync((ids[1], "finland"), (ids[3], "japan"), (ids[3], "finland"), (ids[2], "moldova"));
        var queries = new EventQueries(Database);
        async Task Expect(EventFilter filter, params long[] expected) =>
            Assert.Equal(expected, (await queries.ListAsync(filter, 10, null)).Items.Select(e => e.Id));

        await Expect(new EventFilter { Institutions = EventInstitutions.Nato }, 3L, 1);
        await Expect(new EventFilter { Institutions = EventInstitutions.Ep }, 1L, 2);
        await Expect(new EventFilter { Institutions = EventInstitutions.Both }, 1L);
        // Days: event 1 spans Dec 1-4, event 2 is Dec 1, event 3 Dec 5. A range keeps events with a day in it.
        await Expect(new EventFilter { FromDay = new DateOnly(2026, 12, 4) }, 3L, 1);
        await Expect(new EventFilter { FromDay = new DateOnly(2026, 12, 5) }, 3L);
        await Expect(new EventFilter { ToDay = new DateOnly(2026, 12, 5) }, 1L, 2);
        await Expect(new EventFilter { FromDay = new DateOnly(2026, 12, 2), ToDay = new DateOnly(2026, 12, 5) }, 1L);
        await Expect(new EventFilter { Topics = ["sanctions", "nuclear"] }, 3L, 1);
        await Expect(new EventFilter { Topics = ["collective-defence", "nuclear"] }, 1L);
        // Entities: every one named somewhere in the event.
        await Expect(new EventFilter { Entities = ["finland"] }, 3L, 1);
        await Expect(new EventFilter { Entities = ["finland", "japan"] }, 3L);
        await Expect(new EventFilter { Entities = ["moldova"], Institutions = EventInstitutions.Ep }, 2L);
        await Expect(new EventFilter { Entities = ["moldova"], Institutions = EventInstitutions.Nato });
        // Title words, case-insensitive substrings, each required; LIKE's wildcards are plain characters.
        await Expect(new EventFilter { TitleWords = ["ministers", "meet"] }, 1L);
        await Expect(new EventFilter { TitleWords = ["budget"] }, 2L);
        await Expect(new EventFilter { TitleWords = ["%"] });
        await Expect(new EventFilter { TitleWords = ["_"] });
        // Keyset pages under a filter: every event once.
        var filter = new EventFilter { Institutions = EventInstitutions.Ep };
        var first = await queries.ListAsync(filter, 1, null);
        var second = await queries.ListAsync(filter, 1, first.NextCursor);
        Assert.Equal([1L, 2], first.Items.Concat(second.Items).Select(e => e.Id));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task An_event_lists_the_entities_its_statements_name_and_the_history_facets_count_the_newest_matches()
    {
        var ids = await ThreeEventsAsync();
        await NameAsync((ids[0], "finland"), (ids[1], "finland"), (ids[1], "jens-stoltenberg"), (ids[3], "japan"), (ids[6], "finland"));
        var queries = new EventQueries(Database);
        var history = new HistoryStore(Database);

        var one = (await queries.GetAsync(1))!;
        var facets = await history.TopEntitiesAsync(new HistoryFilter(), 10);
        var sanctions = await history.TopEntitiesAsync(new HistoryFilter { Topics = ["sanctions"] }, 10);
        var withTwoTopics = await history.TopEntitiesAsync(new HistoryFilter { Topics = ["sanctions", "collective-defence"] }, 10);
        var named = await history.TopEntitiesAsync(new HistoryFilter { Entities = ["jens-stoltenberg"] }, 10);

        // The statements' own names (the extractor finds "NATO" in two titles) and the rows written here.
        Assert.Contains(new EventEntity("finland", "Finland", "country", 2), one.Entities);
        Assert.Contains(new EventEntity("jens-stoltenberg", "Jens Stoltenberg", "person", 1), one.Entities);
        Assert.Equal("finland", one.Entities[0].EntityId);
        Assert.DoesNotContain(one.Entities, e => e.EntityId == "japan");
        Assert.Equal(new EntityCount("finland", "Finland", "country", 3), facets[0]);
        Assert.Contains(new EntityCount("japan", "Japan", "country", 1), facets);
        Assert.Equal([new EntityCount("finland", "Finland", "country", 2)], sanctions.Where(f => f.EntityId == "finland"));
        Assert.Contains(new EntityCount("japan", "Japan", "country", 1), sanctions);
        Assert.Equal(sanctions, withTwoTopics);
        Assert.Equal(["finland", "jens-stoltenberg"], named.Select(f => f.EntityId).Order(StringComparer.Ordinal));
        Assert.Single(await history.TopEntitiesAsync(new HistoryFilter(), 1));
    }

    [Fact]
    public async Task An_event_in_full_lists_members_in_date_order_who_spoke_first_its_topics_and_merges_and_a_merged_id_finds_it()
    {
        var ids = await ThreeEventsAsync();
        var queries = new EventQueries(Database);

        var detail = (await queries.GetAsync(1))!;
        var merged = (await queries.GetAsync(4))!;

        Assert.Equal(
            [(ids[0], "NATO", "first statement"), (ids[1], "EP", "similarity 0.90 with statement " + ids[0]), (ids[4], "NATO", "first statement"), (ids[5], "NATO", "similarity 0.88 with statement " + ids[1])],
            detail.Members.Select(m => (m.StatementId, m.Institution, m.Reason)));
        Assert.Equal([("NATO", ids[0]), ("EP", ids[1])], detail.FirstSpeakers.Select(f => (f.Institution, f.StatementId)));
        Assert.Equal([new EventTopic("sanctions", 2), new EventTopic("collective-defence", 1)], detail.Topics);
        Assert.Equal((4L, ids[5], "event 4 merged: statement f bridges it"), (Assert.Single(detail.Merges).MergedId, detail.Merges[0].StatementId, detail.Merges[0].Reason));
        Assert.Null(detail.RequestedId);
        Assert.Equal((1L, (long?)4), (merged.Event.Id, merged.RequestedId));
        Assert.Null(await queries.GetAsync(99));
        Assert.Equal(1L, await queries.EventOfAsync(ids[4]));
        Assert.Null(await queries.EventOfAsync(ids[6]));
        Assert.Equal(1L, (await new StatementDetailStore(Database).GetAsync(ids[1]))!.EventId);
        Assert.Null((await new StatementDetailStore(Database).GetAsync(ids[6]))!.EventId);
    }

    [Fact]
    public async Task A_backlog_waits_for_its_refinement_and_live_statements_are_read_first_even_while_a_backfill_walks()
    {
        var a = await StoreAsync("nato-news", "a", "Live before the backfill", T0);
        var b = await StoreAsync("nato-news", "b", "Backfilled, refined", T0.AddDays(-300));
        var c = await StoreAsync("nato-news", "c", "Backfilled, waiting for refinement", T0.AddDays(-301));
        var d = await StoreAsync("nato-news", "d", "Backfilled, waiting too", T0.AddDays(-302));
        var e = await StoreAsync("nato-news", "e", "Live after the backfill", T0.AddDays(1));
        await using (var connection = await Database.OpenAsync())
        {
            await connection.ExecuteAsync($"UPDATE statements SET backfill_revision = 1 WHERE id {Database.InList("Ids")}", new { Ids = new[] { b, c, d } });
            await connection.ExecuteAsync($"UPDATE statements SET backfill_tags = 'rules' WHERE id {Database.InList("Ids")}", new { Ids = new[] { c, d } });
        }

        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;
        var after = new EventReading(FollowRefinement: true, LiveFirst: true);

        // While the backfill walks: the live statements only, and the checkpoint stays.
        var walking = await events.NextAsync(10, new EventReading(Backlog: false, LiveFirst: true));
        Assert.Equal([a, e], walking.Statements.Select(s => s.StatementId));
        Assert.Equal((0L, false), (walking.Checkpoint, walking.Moves));

        // After it: the backlog up to the first statement waiting for refinement, and the live one beyond.
        var first = await events.NextAsync(10, after);
        Assert.Equal([a, b, e], first.Statements.Select(s => s.StatementId));
        Assert.Equal(b, first.Checkpoint);
        await PlaceAsync(events, epoch, first);
        Assert.Empty((await events.NextAsync(10, after)).Statements);

        // Refined: the rest of the backlog, past the live statement already placed, to the newest id.
        await using (var connection = await Database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE statements SET backfill_tags = NULL");
        }

        var second = await events.NextAsync(10, after);
        Assert.Equal([c, d], second.Statements.Select(s => s.StatementId));
        Assert.Equal(e, second.Checkpoint);
        await PlaceAsync(events, epoch, second);
        Assert.Equal(e, await events.CheckpointAsync());

        // A page of one stops the backlog at the statement it read; the newer live one still comes first.
        var f = await StoreAsync("nato-news", "f", "Backfilled late", T0.AddDays(-200));
        var g = await StoreAsync("nato-news", "g", "Backfilled late too", T0.AddDays(-199));
        var h = await StoreAsync("nato-news", "h", "Live again", T0.AddDays(2));
        await using (var connection = await Database.OpenAsync())
        {
            await connection.ExecuteAsync($"UPDATE statements SET backfill_revision = 1 WHERE id {Database.InList("Ids")}", new { Ids = new[] { f, g } });
        }

        var one = await events.NextAsync(1, after);
        Assert.Equal([f, h], one.Statements.Select(s => s.StatementId));
        Assert.Equal(f, one.Checkpoint);
        await PlaceAsync(events, epoch, one);

        // The rest of the backlog; the checkpoint moves past the live statement placed ahead of it.
        var rest = await events.NextAsync(10, after);
        Assert.Equal([g], rest.Statements.Select(s => s.StatementId));
        Assert.Equal((h, true), (rest.Checkpoint, rest.Moves));
        await PlaceAsync(events, epoch, rest);

        // Only a statement placed ahead (while a backfill walked) and nothing else: an empty page that moves past it.
        var i = await StoreAsync("nato-news", "i", "Live during another backfill", T0.AddDays(3));
        var live = await events.NextAsync(10, new EventReading(Backlog: false, LiveFirst: true));
        Assert.Equal([i], live.Statements.Select(s => s.StatementId));
        Assert.Equal(h, live.Checkpoint);
        await PlaceAsync(events, epoch, live);
        var empty = await events.NextAsync(10, after);
        Assert.Equal((0, i, true), (empty.Statements.Count, empty.Checkpoint, empty.Moves));
        await PlaceAsync(events, epoch, empty);
        Assert.Equal(i, await events.CheckpointAsync());
        Assert.False((await events.NextAsync(10, after)).Moves);
    }

    private static async Task PlaceAsync(EventStore events, long epoch, EventBatch batch)
    {
        await using var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!;
        foreach (var source in batch.Statements)
        {
            await page.WriteAsync(Statement(source.StatementId, T0), new EventAssignment(source.StatementId, source.StatementId, true, "first statement", []), new Dictionary<long, string>());
        }

        await page.CommitAsync(batch.Checkpoint);
    }

    [Fact]
    public async Task An_event_shows_each_members_key_sentence_and_the_figures_its_statements_state_with_the_changes()
    {
        var a = await StoreAsync("nato-news", "fa", "Allies agree on spending", T0, [new FigureValue("defence-spending-target", 2, 2, false, "2% of GDP", "body", 10)]);
        var b = await StoreAsync("ep-press", "fb", "Parliament on spending", T0.AddDays(1), [new FigureValue("defence-spending-target", 2, 2, false, "two per cent", "body", 4)]);
        var c = await StoreAsync("nato-news", "fc", "Allies raise the target", T0.AddDays(2), [new FigureValue("defence-spending-target", 3.5, 2, true, "3.5% of GDP", "body", 12)]);
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;
        await using (var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!)
        {
            var none = new Dictionary<long, string>();
            await page.WriteAsync(Statement(a, T0), new EventAssignment(a, 1, true, "first statement", []), none, "Allies agreed to spend 2% of GDP on defence.");
            await page.WriteAsync(Statement(b, T0.AddDays(1), "EP"), new EventAssignment(b, 1, false, "similarity 0.8", []), none, "Parliament welcomes the commitment.");
            await page.WriteAsync(Statement(c, T0.AddDays(2)), new EventAssignment(c, 1, false, "similarity 0.8", []), none);
            await page.CommitAsync(c);
        }

        var detail = (await new EventQueries(Database).GetAsync(1))!;

        Assert.Equal(["Allies agreed to spend 2% of GDP on defence.", "Parliament welcomes the commitment.", ""], detail.Members.Select(m => m.KeySentence));
        Assert.Equal(
            [(a, "NATO", 2.0, false, false), (b, "EP", 2.0, false, false), (c, "NATO", 3.5, true, true)],
            detail.Figures.Select(f => (f.StatementId, f.Institution, f.Value, f.Drift, f.Changed)));
        Assert.All(detail.Figures, f => Assert.Equal(("defence-spending-target", 2.0), (f.FigureId, f.Baseline)));
        Assert.Equal("3.5% of GDP", detail.Figures[2].Evidence);
    }

    [Fact]
    public async Task An_event_lists_the_merges_of_events_merged_into_an_event_merged_into_it()
    {
        // Event 4 was merged into 1 (ThreeEventsAsync); now h bridges 1 into 3: 3 lists both merges, and 4 finds 3.
        var ids = await ThreeEventsAsync();
        var h = await StoreAsync("nato-news", "h", "Bridge", T0.AddDays(5));
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;
        await using (var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!)
        {
            await page.WriteAsync(Statement(h, T0.AddDays(5)), new EventAssignment(h, 3, false, "similarity 0.9 with statement " + ids[3], [1]),
                new Dictionary<long, string> { [1] = "event 1 merged: statement h bridges it" });
            await page.CommitAsync(h);
        }

        var queries = new EventQueries(Database);
        var three = (await queries.GetAsync(3))!;
        var four = (await queries.GetAsync(4))!;

        Assert.Equal([(1L, h), (4L, ids[5])], three.Merges.Select(m => (m.MergedId, m.StatementId)).Order());
        Assert.Equal((3L, (long?)4), (four.Event.Id, four.RequestedId));
        Assert.Empty((await queries.GetAsync(2))!.Merges);
    }

    [Fact]
    public async Task A_committed_page_announces_its_statements_events_and_the_moment_both_institutions_are_in_one()
    {
        var ids = await ThreeEventsAsync();
        var outbox = new OutboxStore(Database);
        var first = await GroupedAsync(outbox);

        // e started event 4, which f merged into 1 in the same page: e is announced in event 1, not as a new event.
        Assert.Equal(
            [(ids[0], 1L, true), (ids[2], 2L, true), (ids[1], 1L, false), (ids[4], 1L, false), (ids[5], 1L, false), (ids[3], 3L, true)],
            first.Statements.Select(s => (s.StatementId, s.EventId, s.NewEvent)));
        Assert.Equal([1L, 2L, 3L], first.Events.Select(e => e.EventId));
        var one = first.Events[0];
        Assert.Equal(("NATO ministers meet", 4, true, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 4)), (one.Title, one.Members, one.BothInstitutionsNow, one.FirstDay, one.LastDay));
        Assert.Equal(["NATO", "EP"], one.Institutions);
        Assert.Equal([4L], one.Merged);
        Assert.Equal(["sanctions", "collective-defence"], one.Topics);
        Assert.False(first.Events[1].BothInstitutionsNow);
        Assert.False(first.Events[2].BothInstitutionsNow);

        // A later page: EP joins event 3 (both now, for the first time) and event 1 (both already).
        var h = await StoreAsync("ep-press", "h", "Parliament on the exercise", T0.AddDays(5));
        var i = await StoreAsync("ep-press", "i", "Parliament again on the ministers", T0.AddDays(5));
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;
        await using (var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!)
        {
            var none = new Dictionary<long, string>();
            await page.WriteAsync(Statement(h, T0.AddDays(5), "EP"), new EventAssignment(h, 3, false, "similarity 0.9 with statement " + ids[3], []), none);
            await page.WriteAsync(Statement(i, T0.AddDays(5), "EP"), new EventAssignment(i, 1, false, "similarity 0.9 with statement " + ids[1], []), none);
            await page.CommitAsync(i);
        }

        var second = await GroupedAsync(outbox);
        Assert.Equal([(h, 3L, false), (i, 1L, false)], second.Statements.Select(s => (s.StatementId, s.EventId, s.NewEvent)));
        Assert.Equal([(1L, false), (3L, true)], second.Events.Select(e => (e.EventId, e.BothInstitutionsNow)));
        Assert.Equal(["NATO", "EP"], second.Events[1].Institutions);
    }

    [Fact]
    public async Task A_revised_member_is_read_again_and_a_revision_that_cuts_its_event_splits_it_with_the_reason()
    {
        // Event 1: a, b (like a), e (another story: it started event 4) and f, which bridged them when it joined (like b
        // and like e at once).
        var a = await StoreAsync("nato-news", "a", "Ministers meet", T0);
        var b = await StoreAsync("nato-news", "b", "Ministers meet again", T0.AddDays(1));
        var e = await StoreAsync("nato-news", "e", "Exercise", T0.AddDays(2));
        var f = await StoreAsync("nato-news", "f", "Ministers and the exercise", T0.AddDays(3));
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;
        var none = new Dictionary<long, string>();
        await using (var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!)
        {
            await page.WriteAsync(Statement(a, T0), new EventAssignment(a, 1, true, "first statement", []), none);
            await page.WriteAsync(Statement(b, T0.AddDays(1)), new EventAssignment(b, 1, false, $"similarity 0.95 with statement {a}, same day", []), none);
            await page.WriteAsync(Statement(e, T0.AddDays(2), vector: [0, 1, 0]), new EventAssignment(e, 4, true, "first statement", []), none);
            await page.WriteAsync(Statement(f, T0.AddDays(3), vector: [0.7071f, 0.7071f, 0]), new EventAssignment(f, 1, false, $"similarity 0.80 with statement {b}, 2 days apart", [4]),
                new Dictionary<long, string> { [4] = $"event 4 merged: statement {f} bridges it (similarity 0.80 with statement {e}, 1 day apart)" });
            await page.CommitAsync(f);
        }

        var outbox = new OutboxStore(Database);
        await GroupedAsync(outbox);
        Assert.DoesNotContain(await events.NextAsync(10), s => s.Revision is not null);

        // f's text changes (revision 2): it is read again; its new text is like a and b only.
        await StoreAsync("nato-news", "f", "Ministers meet, third day", T0.AddDays(3));
        var revised = Assert.Single(await events.NextAsync(10), s => s.Revision is not null);
        Assert.Equal((f, 2, "Ministers meet, third day"), (revised.StatementId, revised.Revision!.Value, revised.Title));

        EventRevision outcome;
        await using (var page = (await events.BeginPageAsync("a", epoch, T0.AddDays(4), Lease))!)
        {
            outcome = await page.ReviseAsync(Statement(f, T0.AddDays(3)), 2, new EventOptions());
            await page.CommitAsync(f);
        }

        // e is no longer linked to the rest: event 5 is made of it; a, b and f stay in event 1.
        Assert.Equal((1L, false), (outcome.EventId, outcome.PlaceAgain));
        Assert.Equal([5L], outcome.Parts);
        await using var connection = await Database.OpenAsync();
        Assert.Equal([(a, 1L), (b, 1L), (e, 5L), (f, 1L)],
            (await connection.QueryAsync<(long, long)>("SELECT statement_id, event_id FROM event_members ORDER BY statement_id")).ToList());
        var split = await connection.QuerySingleAsync<(long From, long Statement, string Reason)>("SELECT from_id, statement_id, reason FROM event_splits WHERE part_id = 5");
        Assert.Equal((1L, f), (split.From, split.Statement));
        Assert.Equal($"split from event 1: statement {f} was revised (revision 2) and no longer links its 1 statement to the rest", split.Reason);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM event_revised"));
        Assert.Equal((3, 1), await connection.QuerySingleAsync<(int, int)>("SELECT (SELECT members FROM events WHERE id = 1), (SELECT members FROM events WHERE id = 5)"));

        var queries = new EventQueries(Database);
        Assert.Equal([(5L, 1L, f)], (await queries.GetAsync(1))!.Splits.Select(x => (x.PartId, x.FromId, x.StatementId)));
        Assert.Equal([(5L, 1L, f)], (await queries.GetAsync(5))!.Splits.Select(x => (x.PartId, x.FromId, x.StatementId)));
        Assert.Equal("Exercise", (await queries.GetAsync(5))!.Event.Title);

        var grouped = await GroupedAsync(outbox);
        Assert.Equal([(e, 5L, false), (f, 1L, false)], grouped.Statements.Select(s => (s.StatementId, s.EventId, s.NewEvent)).Order());
        Assert.Equal([(1L, 3), (5L, 1)], grouped.Events.Select(g => (g.EventId, g.Members)));
        Assert.All(grouped.Events, g => Assert.False(g.BothInstitutionsNow));

        // The same text again changes nothing; a revision that leaves b alone takes it out, to be placed again.
        await StoreAsync("nato-news", "f", "Ministers meet, third day", T0.AddDays(3));
        Assert.DoesNotContain(await events.NextAsync(10), s => s.Revision is not null);
        await StoreAsync("nato-news", "b", "Something else entirely", T0.AddDays(1));
        await using (var page = (await events.BeginPageAsync("a", epoch, T0.AddDays(4), Lease))!)
        {
            var again = await page.ReviseAsync(Statement(b, T0.AddDays(1), vector: [0, 0, 1]), 2, new EventOptions());
            Assert.True(again.PlaceAgain);
            await page.CommitAsync(f);
        }

        Assert.Equal([a, f], (await connection.QueryAsync<long>("SELECT statement_id FROM event_members WHERE event_id = 1 ORDER BY statement_id")).ToList());
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM event_members WHERE statement_id = @B", new { B = b }));
    }

    private static async Task<StatementsGrouped> GroupedAsync(OutboxStore outbox)
    {
        var claimed = await outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, CancellationToken.None);
        var message = Assert.Single(claimed, m => m.MessageType == typeof(StatementsGrouped).FullName);
        await outbox.DeleteAsync(claimed.Select(m => m.Id).ToList(), CancellationToken.None);
        return System.Text.Json.JsonSerializer.Deserialize<StatementsGrouped>(message.Payload, OutboxStore.Json)!;
    }

    // Event 1: a (NATO, Dec 1, sanctions and collective defence), b (EP, Dec 2, sanctions), e (NATO, Dec 3: it started
    // event 4) and f (NATO, Dec 4), which bridged 1 and 4. Event 2: c (EP, Dec 1). Event 3: d (NATO, Dec 5, sanctions).
    // g (Dec 7) is in no event.
    private async Task<long[]> ThreeEventsAsync()
    {
        long[] ids =
        [
            await StoreAsync("nato-news", "a", "NATO ministers meet", T0, "sanctions", "collective-defence"),
            await StoreAsync("ep-press", "b", "Parliament on the ministers' meeting", T0.AddDays(1), "sanctions"),
            await StoreAsync("ep-press", "c", "Budget vote", T0),
            await StoreAsync("nato-news", "d", "Exercise begins", T0.AddDays(4), "sanctions"),
            await StoreAsync("nato-news", "e", "Ministers conclude", T0.AddDays(2)),
            await StoreAsync("nato-news", "f", "Ministers' press conference", T0.AddDays(3)),
            await StoreAsync("nato-news", "g", "Not yet clustered", T0.AddDays(6)),
        ];
        var events = new EventStore(Database);
        var epoch = (await events.TryLeaseAsync("a", T0, Lease))!.Value;
        await using var page = (await events.BeginPageAsync("a", epoch, T0, Lease))!;
        var none = new Dictionary<long, string>();
        await page.WriteAsync(Statement(ids[0], T0, topics: ["sanctions", "collective-defence"]), new EventAssignment(ids[0], 1, true, "first statement", []), none);
        await page.WriteAsync(Statement(ids[2], T0, "EP"), new EventAssignment(ids[2], 2, true, "first statement", []), none);
        await page.WriteAsync(Statement(ids[1], T0.AddDays(1), "EP", topics: ["sanctions"]), new EventAssignment(ids[1], 1, false, "similarity 0.90 with statement " + ids[0], []), none);
        await page.WriteAsync(Statement(ids[4], T0.AddDays(2)), new EventAssignment(ids[4], 4, true, "first statement", []), none);
        await page.WriteAsync(Statement(ids[5], T0.AddDays(3)), new EventAssignment(ids[5], 1, false, "similarity 0.88 with statement " + ids[1], [4]),
            new Dictionary<long, string> { [4] = "event 4 merged: statement f bridges it" });
        await page.WriteAsync(Statement(ids[3], T0.AddDays(4)), new EventAssignment(ids[3], 3, true, "first statement", []), none);
        await page.CommitAsync(ids[5]);
        return ids;
    }

    /// <summary>Entity rows as Persistence writes them (statement_entities), for names the test texts do not contain.</summary>
    private async Task NameAsync(params (long StatementId, string EntityId)[] rows)
    {
        await using var connection = await Database.OpenAsync();
        foreach (var (statementId, entityId) in rows)
        {
            await connection.ExecuteAsync("INSERT INTO statement_entities (statement_id, entity_id) VALUES (@StatementId, @EntityId)", new { StatementId = statementId, EntityId = entityId });
        }
    }

    private static EventStatement Statement(long id, DateTimeOffset at, string institution = "NATO", float[]? vector = null, string[]? topics = null, string[]? references = null) =>
        new(id, DateOnly.FromDateTime(at.UtcDateTime), institution, vector ?? [1, 0, 0], topics ?? [], references ?? []);

    private Task<long> StoreAsync(string source, string externalId, string title, DateTimeOffset published, params string[] topics) =>
        StoreAsync(source, externalId, title, published, [], topics);

    private async Task<long> StoreAsync(string source, string externalId, string title, DateTimeOffset published, IReadOnlyList<FigureValue> figures, params string[] topics)
    {
        var discovered = new StatementDiscovered(source, externalId, $"https://example.org/{externalId}", title, $"Summary of {externalId}.", "", published, "en", $"hash-{externalId}-{title}", published);
        await new StatementStore(Database).StoreAsync(new StatementTagged(discovered, [.. topics.Select(t => new TopicScore(t, 0.9, []))], "v1", published) { Figures = figures }, published);
        await using var connection = await Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT id FROM statements WHERE external_id = @ExternalId", new { ExternalId = externalId });
    }
}

public sealed class SqliteEventStoreTests() : EventStoreContract(Store.Sqlite);

public sealed class PostgresEventStoreTests() : EventStoreContract(Store.Postgres);
