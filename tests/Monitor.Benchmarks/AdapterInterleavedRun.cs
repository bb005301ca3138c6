using System.Diagnostics;

namespace Monitor.Benchmarks;

/// <summary>
/// The same benchmarks, run round-robin and reported as the best round of each: on a machine whose load swings
/// (other builds on the same two cores), interleaving exposes every benchmark to the same load, and the best round
/// is the one least disturbed. A complement to BenchmarkDotNet's sequential runs, not a replacement.
/// </summary>
internal static class AdapterInterleavedRun
{
    public static void Run(int rounds, int iterations)
    {
        var b = new AdapterBenchmarks();
        b.Setup();
        (string Name, Func<int> Run)[] cases =
        [
            ("rss: EP top stories (1 item)", b.RssTopStories),
            ("ep-rss: EP top stories (1 item)", b.EpRssTopStories),
            ("ep-rss: snippets (3 items)", b.EpRssSnippets),
            ("nato-json: transcripts (4 items)", b.NatoJson),
            ("ep-api: plenary Atom (8 entries)", b.EpApiAtom),
            ("SafeHtml: top-stories description", b.SanitiseDescription),
            ("ArticleExtractor: NATO speech page", b.ExtractNatoPage),
        ];

        foreach (var (_, run) in cases)
        {
            for (var i = 0; i < 100; i++)
            {
                run();
            }
        }

        var best = cases.Select(_ => double.MaxValue).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < cases.Length; k++)
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < iterations; i++)
                {
                    cases[k].Run();
                }

                best[k] = Math.Min(best[k], watch.Elapsed.TotalMicroseconds / iterations);
            }
        }

        Console.WriteLine($"| benchmark | best of {rounds} rounds (µs) | ratio |");
        Console.WriteLine("|---|---:|---:|");
        for (var k = 0; k < cases.Length; k++)
        {
            Console.WriteLine($"| {cases[k].Name} | {best[k]:F0} | {best[k] / best[0]:F2} |");
        }
    }
}
