using System.Security.Cryptography;
using System.Text;

namespace Monitor.Core.Tagging.Evaluation;

/// <summary>
/// The real corpus (<c>Tagging/Evaluation/corpus.ndjson</c>): statements by NATO and the European Parliament in their own
/// words, each with its URL, date, institution and kind, labelled twice independently and adjudicated
/// (<c>docs/corpus.md</c>). It is split once, by a fixed rule on the URL, into <c>train</c> (the model is made and tuned on
/// it) and <c>test</c> (only ever measured).
/// </summary>
public static class Corpus
{
    private const string ResourceName = "Monitor.Core.Tagging.Evaluation.corpus.ndjson";

    /// <summary>Percent of the corpus in the test split.</summary>
    public const int TestPercent = 40;

    public static IReadOnlyList<LabelledStatement> LoadDefault() => Evaluator.Parse(Ndjson.ReadResource(ResourceName));

    /// <summary>
    /// The split of a statement: <c>test</c> when the first four bytes of the SHA-256 of its URL (its id when it has
    /// none), read as a little-endian unsigned number, modulo 100 are under <see cref="TestPercent"/>; else <c>train</c>.
    /// </summary>
    public static string SplitOf(LabelledStatement item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var key = item.Url ?? item.Id;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return BitConverter.ToUInt32(hash, 0) % 100 < TestPercent ? "test" : "train";
    }

    public static IReadOnlyList<LabelledStatement> Train(IReadOnlyList<LabelledStatement> corpus) =>
        [.. corpus.Where(i => SplitOf(i) == "train")];

    public static IReadOnlyList<LabelledStatement> Test(IReadOnlyList<LabelledStatement> corpus) =>
        [.. corpus.Where(i => SplitOf(i) == "test")];
}
