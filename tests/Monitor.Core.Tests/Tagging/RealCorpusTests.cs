using System.Security.Cryptography;
using System.Text;
using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Evaluation;

namespace Monitor.Core.Tests.Tagging;

/// <summary>
/// The real corpus (docs/corpus.md): real statements with provenance, balanced, labelled twice with every
/// disagreement settled by a note, and split once by a fixed rule that these tests lock.
/// </summary>
public class RealCorpusTests
{
    private static readonly IReadOnlyList<LabelledStatement> Items = Corpus.LoadDefault();

    [Fact]
    public void The_corpus_has_at_least_400_real_statements_each_with_url_date_institution_and_kind()
    {
        Assert.True(Items.Count >= 400, $"{Items.Count} statements");
        Assert.Equal(Items.Count, Items.Select(i => i.Id).Distinct().Count());
        Assert.Equal(Items.Count, Items.Select(i => i.Url).Distinct().Count());
        Assert.All(Items, i =>
        {
            var host = new Uri(i.Url!).Host;
            Assert.True(i.Institution switch
            {
                "NATO" => host == "nato.int" || host.EndsWith(".nato.int", StringComparison.Ordinal),
                "EP" => host.EndsWith("europarl.europa.eu", StringComparison.Ordinal) || host.EndsWith("epthinktank.eu", StringComparison.Ordinal),
                _ => false,
            }, $"{i.Id}: {i.Institution} at {host}");
            Assert.Matches("^20(2[1-6])(-[01][0-9](-[0-3][0-9])?)?$", i.Date!);
            Assert.False(string.IsNullOrWhiteSpace(i.Style));
            Assert.True(i.Text.Length >= 250, $"{i.Id}: {i.Text.Length} characters");
        });
        Assert.True(Items.Count(i => i.Institution == "EP") >= 100 && Items.Count(i => i.Institution == "NATO") >= 100);
    }

    [Fact]
    public void Every_topic_has_at_least_15_positives_and_there_are_60_negatives_and_30_figure_statements()
    {
        Assert.All(TopicFile.RequiredTopicIds, id => Assert.True(Items.Count(i => i.Topics.Contains(id)) >= 15, $"{id}: {Items.Count(i => i.Topics.Contains(id))} positives"));
        Assert.True(Items.Count(i => i.Topics.Count == 0) >= 60, $"{Items.Count(i => i.Topics.Count == 0)} negatives");
        Assert.True(Items.Count(i => i.Figures.Count > 0) >= 30, $"{Items.Count(i => i.Figures.Count > 0)} statements with figures");
    }

    [Fact]
    public void The_split_is_the_fixed_rule_on_the_url_and_has_not_moved()
    {
        var test = Corpus.Test(Items);
        var train = Corpus.Train(Items);

        Assert.Equal(Items.Count, test.Count + train.Count);
        Assert.True(test.Count >= 150, $"{test.Count} test statements");
        Assert.All(Items, i => Assert.InRange(i.Round ?? 0, 1, 2));
        foreach (var (round, count, sha) in LockedTestRounds)
        {
            var ids = test.Where(i => i.Round == round).Select(i => i.Id).Order(StringComparer.Ordinal).ToList();
            Assert.Equal((round, count, sha), (round, ids.Count, Sha256(string.Join('\n', ids))));
        }

        Assert.Equal(LockedTestRounds.Sum(r => r.Count), test.Count);
    }

    [Fact]
    public void Both_labellings_cover_every_statement_and_every_disagreement_has_a_note()
    {
        var labels = Agreement.LoadDefault().ToDictionary(l => l.Id);

        Assert.Equal(Items.Select(i => i.Id).Order(StringComparer.Ordinal), labels.Keys.Order(StringComparer.Ordinal));
        Assert.All(labels.Values, l =>
        {
            var disagree = !l.A.Topics.Order(StringComparer.Ordinal).SequenceEqual(l.B.Topics.Order(StringComparer.Ordinal))
                || !l.A.Figures.OrderBy(f => f.Id).ThenBy(f => f.Value).SequenceEqual(l.B.Figures.OrderBy(f => f.Id).ThenBy(f => f.Value));
            Assert.True(!disagree || l.Notes.Count > 0, $"{l.Id}: A and B disagree and no note settles it");
        });
    }

    [Fact]
    public void Where_both_annotators_agree_the_gold_label_is_theirs_unless_a_note_says_why_not()
    {
        var labels = Agreement.LoadDefault().ToDictionary(l => l.Id);

        Assert.All(Items, i =>
        {
            var l = labels[i.Id];
            var agreed = l.A.Topics.Intersect(l.B.Topics).ToList();
            Assert.True(l.Notes.Count > 0 || agreed.Order(StringComparer.Ordinal).SequenceEqual(i.Topics.Order(StringComparer.Ordinal)), $"{i.Id}");
        });
    }

    // Locked when each round was added (docs/corpus.md): a changed rule, URL or statement shows here. The rule is the
    // same for every round; a new round only adds test statements, which were never seen before they were measured.
    private static readonly (int Round, int Count, string Sha256)[] LockedTestRounds =
    [
        (1, 177, "9053aa185559864164dff6c70613382797c30833d6bfec71907adb7af18ce037"),
        (2, 41, "fbd71ed011e4b3fd46363f1523c032f4b18a4417606dfa366f423c1c6f633d29"),
    ];

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
