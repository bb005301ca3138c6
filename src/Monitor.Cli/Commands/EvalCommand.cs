using System.CommandLine;
using System.Globalization;
using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Evaluation;
using Monitor.Core.Tagging.Semantic;
using Monitor.Embeddings;

namespace Monitor.Cli.Commands;

/// <summary>
/// <c>monitor eval [--mode hybrid|calibrated|rules] [--split train|test|both] [--mistakes] [--set file] [--synthetic]
/// [--topics file]</c>: the tagger's quality on the real corpus's train and test splits, or on another labelled set.
/// </summary>
/// <remarks>Mistakes are listed for the train split only: the test split is measured, never tuned on.</remarks>
internal static class EvalCommand
{
    public static Command Create()
    {
        var topicsOption = new Option<FileInfo?>("--topics") { Description = "A topic file to use instead of the built-in baseline." };
        var setOption = new Option<FileInfo?>("--set") { Description = "A labelled NDJSON set to score instead of the real corpus (scored whole, no split)." };
        var syntheticOption = new Option<bool>("--synthetic") { Description = "Score the 155 statements written for the project (trap tests; no longer a quality figure)." };
        var splitOption = new Option<string>("--split") { Description = "Which split of the real corpus: train, test or both.", DefaultValueFactory = _ => "both" };
        var modeOption = new Option<string>("--mode") { Description = "hybrid (rules + sentence embeddings), calibrated (rules with the trained calibration) or rules (minScore).", DefaultValueFactory = _ => "hybrid" };
        var modelOption = new Option<FileInfo?>("--model") { Description = "A model made by `monitor train` instead of the built-in one." };
        var agreementOption = new Option<bool>("--agreement") { Description = "Print the two annotators' agreement per topic (Cohen's kappa) on the real corpus, and stop." };
        var mistakesOption = new Option<bool>("--mistakes") { Description = "Also list every wrong or missed topic and figure (train split, --set or --synthetic only)." };
        var command = new Command("eval", "Per-topic precision, recall and F1, micro/macro averages, negatives left clean and figure-drift precision, on the real corpus's train and test splits.")
        {
            topicsOption,
            setOption,
            syntheticOption,
            splitOption,
            modeOption,
            modelOption,
            agreementOption,
            mistakesOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(agreementOption))
            {
                Console.Out.Write(FormatAgreement(Agreement.LoadDefault()));
                return 0;
            }

            TopicFile topics;
            Tagger tagger;
            var sets = new List<(string Name, IReadOnlyList<LabelledStatement> Items, bool ShowMistakes)>();
            var mistakes = parse.GetValue(mistakesOption);
            try
            {
                topics = Topics.Load(parse.GetValue(topicsOption));
                var model = parse.GetValue(modelOption) is { } modelFile ? SemanticModel.LoadFile(modelFile.FullName) : null;
                tagger = Taggers.Create(topics, Taggers.ParseMode(parse.GetValue(modeOption)!), model: model);
                if (parse.GetValue(setOption) is { } file)
                {
                    sets.Add((file.Name, Evaluator.Parse(await File.ReadAllTextAsync(file.FullName, cancellationToken)), mistakes));
                }
                else if (parse.GetValue(syntheticOption))
                {
                    sets.Add(("synthetic (written for the project)", Evaluator.LoadDefaultSet(), mistakes));
                }
                else
                {
                    var split = parse.GetValue(splitOption);
                    if (split is not ("train" or "test" or "both"))
                    {
                        throw new ArgumentException($"--split must be train, test or both, not '{split}'");
                    }

                    if (mistakes && split == "test")
                    {
                        throw new ArgumentException("--mistakes lists the train split's mistakes only: the test split is measured, never tuned on");
                    }

                    var corpus = Corpus.LoadDefault();
                    if (split is "train" or "both")
                    {
                        sets.Add(("train split of the real corpus", Corpus.Train(corpus), mistakes));
                    }

                    if (split is "test" or "both")
                    {
                        var test = Corpus.Test(corpus);
                        sets.Add(("test split of the real corpus (locked: never tuned on)", test, false));
                        foreach (var round in test.Select(i => i.Round ?? 1).Distinct().Order())
                        {
                            sets.Add(($"test split, collection round {round} only", [.. test.Where(i => (i.Round ?? 1) == round)], false));
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is TopicFileException or FormatException or IOException or ArgumentException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            Console.Out.WriteLine($"Tagger: {tagger.Mode}");
            foreach (var (name, items, showMistakes) in sets)
            {
                var report = Evaluator.Evaluate(tagger, topics, items);
                Console.Out.WriteLine();
                Console.Out.WriteLine($"## {name}");
                Console.Out.Write(Format(report, showMistakes));
            }

            return 0;
        });
        return command;
    }

    internal static string FormatAgreement(IReadOnlyList<DoubleLabel> labels)
    {
        var c = CultureInfo.InvariantCulture;
        var w = new StringWriter(c);
        var rows = Agreement.PerTopic(labels, TopicFile.RequiredTopicIds);
        w.WriteLine($"{labels.Count} statements labelled twice, independently");
        w.WriteLine();
        w.WriteLine("| topic | both | only A | only B | neither | observed | Cohen's kappa |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            w.WriteLine(string.Create(c, $"| {r.TopicId} | {r.Both} | {r.OnlyA} | {r.OnlyB} | {r.Neither} | {r.Observed:0.000} | {r.Kappa:0.000} |"));
        }

        w.WriteLine(string.Create(c, $"| **mean kappa** | | | | | | {rows.Average(r => r.Kappa):0.000} |"));
        w.WriteLine();
        w.WriteLine($"Statements with a disagreement, settled by a note: {labels.Count(l => l.Notes.Count > 0)}");
        return w.ToString();
    }

    internal static string Format(EvaluationReport report, bool mistakes)
    {
        var c = CultureInfo.InvariantCulture;
        var w = new StringWriter(c);
        w.WriteLine($"{report.Statements} labelled statements");
        w.WriteLine();
        w.WriteLine("| topic | TP | FP | FN | precision | recall | F1 |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var t in report.Topics)
        {
            w.WriteLine(string.Create(c, $"| {t.TopicId} | {t.TruePositives} | {t.FalsePositives} | {t.FalseNegatives} | {t.Precision:0.000} | {t.Recall:0.000} | {t.F1:0.000} |"));
        }

        w.WriteLine(string.Create(c, $"| **micro** | {report.Topics.Sum(t => t.TruePositives)} | {report.Topics.Sum(t => t.FalsePositives)} | {report.Topics.Sum(t => t.FalseNegatives)} | {report.MicroPrecision:0.000} | {report.MicroRecall:0.000} | {report.MicroF1:0.000} |"));
        w.WriteLine(string.Create(c, $"| **macro F1** | | | | | | {report.MacroF1:0.000} |"));
        w.WriteLine();
        w.WriteLine(string.Create(c, $"Negatives left clean: {report.NegativesCleanShare:0.000} ({report.NegativesClean} of {report.Negatives} statements about none of the topics)"));
        w.WriteLine(string.Create(c, $"Figure drift precision: {report.DriftPrecision:0.000} ({report.DriftCorrect} of {report.DriftFound} drift values correct)"));
        w.WriteLine(string.Create(c, $"Figure recall: {report.FigureRecall:0.000} ({report.FiguresFound} of {report.FiguresLabelled} labelled values read)"));
        if (mistakes)
        {
            w.WriteLine();
            foreach (var m in report.Mistakes)
            {
                w.WriteLine(m);
            }
        }

        return w.ToString();
    }
}
