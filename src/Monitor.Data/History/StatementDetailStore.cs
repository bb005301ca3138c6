using Dapper;
using DiffPlex.Chunkers;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Monitor.Core.Search;

namespace Monitor.Data.History;

public sealed record StatementDetail(
    long StatementId,
    int Revision,
    string SourceId,
    string ExternalId,
    string Url,
    string Title,
    string Summary,
    string Body,
    string? BodyHtml,
    string DocumentType,
    string? Language,
    DateTimeOffset? PublishedAt,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<Contracts.TopicScore> Topics,
    IReadOnlyList<Contracts.FigureValue> Figures,
    IReadOnlyList<RevisionView> Revisions,
    IReadOnlyList<RelatedStatement> Related)
{
    /// <summary>The event the statement is in (<c>/api/events/{id}</c>); null until the clustering has placed it.</summary>
    public long? EventId { get; init; }

    /// <summary>Its versions in other languages (statement_translations), by language code; the statement's own language is not among them.</summary>
    public IReadOnlyList<StatementTranslation> Translations { get; init; } = [];

    /// <summary>Why it carries no topics when it was not tagged on purpose ("no English version; Monitor tags English text only"); else null.</summary>
    public string? UntaggedReason { get; init; }
}

/// <summary>One language version of a statement: its language code ("fr"), its title in that language, and its page.</summary>
public sealed record StatementTranslation(string Language, string Title, string Url);

/// <summary>A stored revision and, from the second on, what changed since the one before, word by word.</summary>
public sealed record RevisionView(int Revision, string Title, string Summary, DateTimeOffset? PublishedAt, DateTimeOffset DiscoveredAt,
    DateTimeOffset StoredAt, IReadOnlyList<FieldChange> Changes);

/// <summary>A changed field: its words in order, each kept, inserted or deleted.</summary>
public sealed record FieldChange(string Field, IReadOnlyList<DiffPiece> Pieces);

public sealed record DiffPiece(string Kind, string Text);

/// <summary>Another source's statement about the same thing, and which of the two came first.</summary>
public sealed record RelatedStatement(long StatementId, string SourceId, string Title, DateTimeOffset At, bool SpokeFirst, IReadOnlyList<string> SharedTerms)
{
    /// <summary>
    /// Another source carried the same document (its reference, statements.document_reference): it is stored as a link
    /// of this statement (statement_links), so <see cref="StatementId"/> is this statement's and <see cref="At"/> is when
    /// that source was first seen with it.
    /// </summary>
    public bool SameDocument { get; init; }
}

/// <summary>One statement in full: text, current tags with evidence, every revision with its changes, related statements.</summary>
public sealed class StatementDetailStore(Database database)
{
    /// <summary>Related statements come from other sources within this many days either side.</summary>
    public static readonly TimeSpan RelatedWindow = TimeSpan.FromDays(3);

    private const string StatementSql = """
        SELECT id AS StatementId, current_revision AS Revision, source_id AS SourceId, external_id AS ExternalId, url AS Url,
               title AS Title, summary AS Summary, body AS Body, body_html AS BodyHtml, document_type AS DocumentType,
               language AS Language, published_at AS PublishedAt, first_seen_at AS FirstSeenAt, updated_at AS UpdatedAt, sort_at AS SortAt,
               untagged_reason AS UntaggedReason
        FROM statements WHERE id = @Id
        """;

    private const string TranslationsSql = """
        SELECT language AS Language, title AS Title, url AS Url FROM statement_translations
        WHERE statement_id = @Id ORDER BY language
        """;

    // A document reference is unique, so another source's copy of the same document is a link of this statement.
    private const string OtherSourcesSql = """
        SELECT source_id AS SourceId, MIN(first_seen_at) AS FirstSeenAt FROM statement_links
        WHERE statement_id = @Id AND source_id <> @SourceId
        GROUP BY source_id
        ORDER BY 2, 1
        """;

    private const string RevisionsSql = """
        SELECT revision AS Revision, title AS Title, summary AS Summary, body AS Body, published_at AS PublishedAt,
               discovered_at AS DiscoveredAt, stored_at AS StoredAt
        FROM statement_revisions WHERE statement_id = @Id ORDER BY revision
        """;

    // Related statements rank every match within their ±3 days (a window bounds the cost), not only the newest ones.
    private readonly HistoryStore _history = new(database) { RelevanceCandidates = 0 };

    public async Task<StatementDetail?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        DetailRow? row;
        List<RevisionRow> revisions;
        List<(string SourceId, long FirstSeenAt)> otherSources;
        long? eventId;
        List<StatementTranslation> translations;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            row = await connection.QuerySingleOrDefaultAsync<DetailRow>(new CommandDefinition(StatementSql, new { Id = id }, cancellationToken: cancellationToken));
            if (row is null)
            {
                return null;
            }

            revisions = (await connection.QueryAsync<RevisionRow>(new CommandDefinition(RevisionsSql, new { Id = id }, cancellationToken: cancellationToken))).ToList();
            otherSources = (await connection.QueryAsync<(string SourceId, long FirstSeenAt)>(
                new CommandDefinition(OtherSourcesSql, new { Id = id, row.SourceId }, cancellationToken: cancellationToken))).ToList();
            eventId = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                "SELECT event_id FROM event_members WHERE statement_id = @Id", new { Id = id }, cancellationToken: cancellationToken));
            translations = (await connection.QueryAsync<StatementTranslation>(new CommandDefinition(TranslationsSql, new { Id = id }, cancellationToken: cancellationToken)))
                .Where(t => !Core.Statements.StatementLanguage.Same(t.Language, row.Language))
                .ToList();
        }

        // The list query already knows how to read tags and figures: ask it for this one statement.
        var at = Database.FromDb(row.SortAt);
        var self = (await _history.SearchAsync(new HistoryFilter { From = at, To = at.AddMilliseconds(1) }, HistorySort.Date, 500, null, cancellationToken))
            .Items.Single(s => s.StatementId == id);
        // The same document from other sources first (who was first seen with it), then the same event in other words.
        var related = otherSources
            .Select(o => new RelatedStatement(row.StatementId, o.SourceId, row.Title, Database.FromDb(o.FirstSeenAt), o.FirstSeenAt < row.FirstSeenAt, [])
            {
                SameDocument = true,
            })
            .Concat(await RelatedAsync(row, cancellationToken))
            .ToList();
        return new StatementDetail(row.StatementId, row.Revision, row.SourceId, row.ExternalId, row.Url, row.Title, row.Summary, row.Body,
            row.BodyHtml, row.DocumentType, row.Language, Database.FromDb(row.PublishedAt), Database.FromDb(row.FirstSeenAt),
            Database.FromDb(row.UpdatedAt), self.Topics, self.Figures, Revisions(revisions), related)
        {
            EventId = eventId,
            Translations = translations,
            UntaggedReason = row.UntaggedReason,
        };
    }

    private static List<RevisionView> Revisions(List<RevisionRow> rows) =>
        rows.Select((r, i) => new RevisionView(r.Revision, r.Title, r.Summary, Database.FromDb(r.PublishedAt), Database.FromDb(r.DiscoveredAt),
                Database.FromDb(r.StoredAt), i == 0 ? [] : Changes(rows[i - 1], r)))
            .ToList();

    private static List<FieldChange> Changes(RevisionRow before, RevisionRow after)
    {
        var changes = new List<FieldChange>();
        foreach (var (field, old, current) in new[] { ("title", before.Title, after.Title), ("summary", before.Summary, after.Summary), ("body", before.Body, after.Body) })
        {
            if (old == current)
            {
                continue;
            }

            var diff = InlineDiffBuilder.Diff(old, current, ignoreWhiteSpace: false, ignoreCase: false, new WordChunker());
            var pieces = new List<DiffPiece>();
            foreach (var line in diff.Lines)
            {
                var kind = line.Type switch
                {
                    ChangeType.Inserted => "inserted",
                    ChangeType.Deleted => "deleted",
                    _ => "kept",
                };
                if (pieces.Count > 0 && pieces[^1].Kind == kind)
                {
                    pieces[^1] = pieces[^1] with { Text = pieces[^1].Text + line.Text };
                }
                else
                {
                    pieces.Add(new DiffPiece(kind, line.Text));
                }
            }

            changes.Add(new FieldChange(field, pieces));
        }

        return changes;
    }

    /// <summary>
    /// The same event told by another source: statements of other sources within <see cref="RelatedWindow"/> that share
    /// the most of this title's distinctive words (full text, best match first).
    /// </summary>
    private async Task<IReadOnlyList<RelatedStatement>> RelatedAsync(DetailRow row, CancellationToken cancellationToken)
    {
        var terms = RelatedTerms.FromTitle(row.Title);
        if (terms.Count < 2)
        {
            return [];
        }

        var at = Database.FromDb(row.SortAt);
        var filter = new HistoryFilter
        {
            Text = new TextQuery.Or(terms.Select(t => (TextQuery)new TextQuery.Term(t, false)).ToList()),
            From = at - RelatedWindow,
            To = at + RelatedWindow,
        };
        var candidates = await _history.SearchAsync(filter, HistorySort.Relevance, 50, null, cancellationToken);
        return candidates.Items
            .Where(c => c.SourceId != row.SourceId)
            .Select(c => (Statement: c, Shared: RelatedTerms.FromTitle(c.Title + " " + c.Summary).Intersect(terms, StringComparer.Ordinal).ToList()))
            .Where(c => c.Shared.Count >= 2)
            .OrderByDescending(c => c.Shared.Count).ThenBy(c => c.Statement.StatementId)
            .Take(5)
            .Select(c =>
            {
                var theirs = c.Statement.PublishedAt ?? c.Statement.DiscoveredAt;
                return new RelatedStatement(c.Statement.StatementId, c.Statement.SourceId, c.Statement.Title, theirs,
                    theirs < at || (theirs == at && c.Statement.StatementId < row.StatementId), c.Shared);
            })
            .ToList();
    }

    private sealed class DetailRow
    {
        public long StatementId { get; init; }

        public int Revision { get; init; }

        public string SourceId { get; init; } = "";

        public string ExternalId { get; init; } = "";

        public string Url { get; init; } = "";

        public string Title { get; init; } = "";

        public string Summary { get; init; } = "";

        public string Body { get; init; } = "";

        public string? BodyHtml { get; init; }

        public string DocumentType { get; init; } = Contracts.DocumentTypes.News;

        public string? Language { get; init; }

        public long? PublishedAt { get; init; }

        public long FirstSeenAt { get; init; }

        public long UpdatedAt { get; init; }

        public long SortAt { get; init; }

        public string? UntaggedReason { get; init; }
    }

    private sealed class RevisionRow
    {
        public int Revision { get; init; }

        public string Title { get; init; } = "";

        public string Summary { get; init; } = "";

        public string Body { get; init; } = "";

        public long? PublishedAt { get; init; }

        public long DiscoveredAt { get; init; }

        public long StoredAt { get; init; }
    }
}
