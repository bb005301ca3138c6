using System.Text.Json;
using Monitor.Core.Tagging.Evaluation;

namespace Monitor.Core.Entities;

/// <summary>One hand-checked entity form in one statement: right (the statement names that entity there) or wrong.</summary>
/// <param name="Surface">The form exactly as written in the statement ("NATO", "Ukrainian", "Türkiye").</param>
public sealed record EntityLabel(string Entity, string Surface, bool Ok, string? Note = null);

/// <summary>
/// The labels of one real statement (<c>Entities/entity-labels.ndjson</c>): every distinct (entity, form) the
/// extractor found in it, checked by hand; and, where <see cref="RecallChecked"/>, the entities it names that the
/// extractor missed.
/// </summary>
public sealed record StatementEntityLabels(string Statement, IReadOnlyList<EntityLabel> Mentions)
{
    /// <summary>The statement was read whole for entities in scope that were not found (docs/entities.md).</summary>
    public bool RecallChecked { get; init; }

    /// <summary>Entities in scope the statement names but the extractor did not find, one line each ("kallas: 'Ms Kallas'").</summary>
    public IReadOnlyList<string> Missed { get; init; } = [];
}

/// <summary>Precision and recall of one group of labelled statements.</summary>
public sealed record EntityScore(
    string Name,
    int Statements,
    int Forms,
    int FormsOk,
    int Pairs,
    int PairsOk,
    int RecallStatements,
    int RecallFound,
    int RecallMissed)
{
    /// <summary>Right (entity, form) checks over all checked.</summary>
    public double FormPrecision => Forms == 0 ? double.NaN : (double)FormsOk / Forms;

    /// <summary>Right (statement, entity) pairs, what is stored and filtered on, over all extracted.</summary>
    public double PairPrecision => Pairs == 0 ? double.NaN : (double)PairsOk / Pairs;

    /// <summary>Right pairs found over right pairs found plus missed, on the statements read for recall.</summary>
    public double Recall => RecallFound + RecallMissed == 0 ? double.NaN : (double)RecallFound / (RecallFound + RecallMissed);
}

/// <summary>What the labels and today's extractor say together: the scores, and where they no longer meet.</summary>
/// <param name="Unlabelled">Forms the extractor finds now in a labelled statement that have no label (the labels need a pass).</param>
/// <param name="Stale">Labelled forms the extractor no longer finds (they count in no score).</param>
/// <param name="Wrong">Every wrong form, for the docs' failure cases.</param>
public sealed record EntityEvaluationReport(
    IReadOnlyList<EntityScore> Scores,
    IReadOnlyList<string> Unlabelled,
    IReadOnlyList<string> Stale,
    IReadOnlyList<string> Wrong);

/// <summary>
/// Recomputes the extractor's precision and recall on the real corpus from the hand-checked labels: the extractor is
/// run again, so a changed gazetteer is scored on the same labels, and whatever the labels do not cover is reported
/// rather than guessed.
/// </summary>
public static class EntityEvaluation
{
    private const string ResourceName = "Monitor.Core.Entities.entity-labels.ndjson";

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static IReadOnlyList<StatementEntityLabels> LoadDefaultLabels() => ParseLabels(Ndjson.ReadResource(ResourceName));

    public static IReadOnlyList<StatementEntityLabels> ParseLabels(string ndjson)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return Ndjson.Parse<StatementEntityLabels>(ndjson, Options, l =>
            l is null || string.IsNullOrWhiteSpace(l.Statement) ? "a line needs \"statement\""
            : !seen.Add(l.Statement) ? $"statement {l.Statement} is labelled twice"
            : l.Mentions is null ? $"statement {l.Statement} needs \"mentions\" (empty when none)"
            : l.Mentions.FirstOrDefault(m => string.IsNullOrWhiteSpace(m.Entity) || string.IsNullOrEmpty(m.Surface)) is not null
                ? $"statement {l.Statement}: every mention needs \"entity\" and \"surface\""
            : null);
    }

    /// <summary>The distinct (entity, form as written, demonym) of a statement, in order of first mention.</summary>
    public static IReadOnlyList<(string Entity, string Surface, bool Adjective, EntityMention First)> Forms(EntityExtractor extractor, LabelledStatement statement)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(statement);
        var forms = new List<(string, string, bool, EntityMention)>();
        var seen = new HashSet<(string, string)>();
        foreach (var m in extractor.Mentions(statement.Title, statement.Text))
        {
            var surface = (m.Field == EntityField.Title ? statement.Title : statement.Text).Substring(m.Start, m.Length);
            if (seen.Add((m.EntityId, surface)))
            {
                forms.Add((m.EntityId, surface, m.Adjective, m));
            }
        }

        return forms;
    }

    /// <summary>Scores per split (train, test), and within each split for names, demonyms and each kind.</summary>
    public static EntityEvaluationReport Evaluate(EntityExtractor extractor, IReadOnlyList<LabelledStatement> corpus, IReadOnlyList<StatementEntityLabels> labels)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(labels);
        var byId = corpus.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var unlabelled = new List<string>();
        var stale = new List<string>();
        var wrong = new List<string>();
        var rows = new List<Row>();
        foreach (var label in labels)
        {
            if (!byId.TryGetValue(label.Statement, out var statement))
            {
                throw new FormatException($"The labels name statement {label.Statement}, which is not in the corpus");
            }

            var split = Corpus.SplitOf(statement);
            var checks = label.Mentions.ToDictionary(m => (m.Entity, m.Surface));
            var found = Forms(extractor, statement);
            var foundKeys = found.Select(f => (f.Entity, f.Surface)).ToHashSet();
            stale.AddRange(label.Mentions.Where(m => !foundKeys.Contains((m.Entity, m.Surface))).Select(m => $"{label.Statement}: {m.Entity} \"{m.Surface}\""));
            foreach (var (entity, surface, adjective, _) in found)
            {
                if (!checks.TryGetValue((entity, surface), out var check))
                {
                    unlabelled.Add($"{label.Statement}: {entity} \"{surface}\"");
                    continue;
                }

                if (!check.Ok)
                {
                    wrong.Add($"{label.Statement} ({split}): {entity} \"{surface}\"{(check.Note is null ? "" : " - " + check.Note)}");
                }

                var kind = extractor.Gazetteer.Find(entity)?.Kind;
                rows.Add(new Row(label.Statement, split, entity, kind, adjective, check.Ok, label.RecallChecked));
            }
        }

        var scores = new List<EntityScore>();
        foreach (var split in new[] { "train", "test" })
        {
            var inSplit = labels.Where(l => Corpus.SplitOf(byId[l.Statement]) == split).ToList();
            var splitRows = rows.Where(r => r.Split == split).ToList();
            scores.Add(Score($"{split}", inSplit, splitRows, withRecall: true));
            scores.Add(Score($"{split}: names", inSplit, [.. splitRows.Where(r => !r.Adjective)], withRecall: false));
            scores.Add(Score($"{split}: demonyms", inSplit, [.. splitRows.Where(r => r.Adjective)], withRecall: false));
            foreach (var kind in Enum.GetValues<EntityKind>())
            {
                scores.Add(Score($"{split}: {kind.ToString().ToLowerInvariant()}", inSplit, [.. splitRows.Where(r => r.Kind == kind)], withRecall: false));
            }
        }

        return new EntityEvaluationReport(scores, unlabelled, stale, wrong);
    }

    private static EntityScore Score(string name, List<StatementEntityLabels> labels, List<Row> rows, bool withRecall)
    {
        var pairs = rows.GroupBy(r => (r.Statement, r.Entity)).Select(g => (g.Key, Ok: g.Any(r => r.Ok), Recall: g.First().RecallChecked)).ToList();
        var recallLabels = withRecall ? labels.Where(l => l.RecallChecked).ToList() : [];
        return new EntityScore(
            name,
            labels.Count,
            rows.Count,
            rows.Count(r => r.Ok),
            pairs.Count,
            pairs.Count(p => p.Ok),
            recallLabels.Count,
            withRecall ? pairs.Count(p => p.Ok && p.Recall) : 0,
            recallLabels.Sum(l => l.Missed.Count));
    }

    private sealed record Row(string Statement, string Split, string Entity, EntityKind? Kind, bool Adjective, bool Ok, bool RecallChecked);
}
