using System.Globalization;
using System.Text;
using Monitor.Contracts;

namespace Monitor.LoadTest;

/// <summary>Statements written for the load test: realistic length, varied topics, unique content.</summary>
internal static class LoadStatements
{
    private static readonly string[] Sentences =
    [
        "Allies reaffirmed that the commitment to Article 5 and collective defence is iron-clad.",
        "Parliament called for a new package of sanctions against Russia and for stronger enforcement against circumvention.",
        "Defence ministers agreed to deliver more air defence systems and ammunition to Ukraine.",
        "The resolution calls for humanitarian aid, medical supplies and support for refugees fleeing the war.",
        "Additional troops and fighter jets were deployed to the multinational battlegroups on the eastern flank.",
        "Members urged closer EU-NATO cooperation against cyber attacks, hybrid threats and disinformation.",
        "Allies condemned irresponsible nuclear rhetoric and warned of severe consequences.",
        "Members reaffirmed support for Ukraine's sovereignty and territorial integrity within its recognised borders.",
    ];

    /// <summary>
    /// Statement <paramref name="i"/> of a run: twelve sentences (about 1.2 KB), or, with <paramref name="bodyBytes"/>,
    /// the sentences repeated to exactly that many bytes (ASCII). The text is the summary, which is what the dashboard pushes.
    /// </summary>
    public static StatementDiscovered Create(string run, int i, int? bodyBytes = null)
    {
        // Each sentence names its statement, so no two statements share a sentence: the Tagging worker's embedding cache
        // (which answers sentences it has seen) does not make the load look cheaper than new statements are.
        var text = bodyBytes is { } bytes ? Text(i, bytes) : string.Join(' ', Enumerable.Range(0, 12).Select(k => $"{Sentences[(i + k) % Sentences.Length]} (Statement {run}-{i}, point {k + 1}.)"));
        var id = i.ToString(CultureInfo.InvariantCulture);
        return new StatementDiscovered($"load-{run}", $"load-{run}-{id}", $"https://example.org/load/{run}/{id}",
            $"Load statement {id}: {Sentences[i % Sentences.Length]}", text, "", DateTimeOffset.UtcNow, "en",
            $"load-{run}-{id}", DateTimeOffset.UtcNow);
    }

    private static string Text(int i, int bytes)
    {
        var text = new StringBuilder(bytes + 128);
        for (var k = 0; text.Length < bytes; k++)
        {
            text.Append(Sentences[(i + k) % Sentences.Length]).Append(' ');
        }

        return text.ToString(0, bytes);
    }
}
