using System.CommandLine;
using System.Globalization;
using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Evaluation;

namespace Monitor.Cli.Commands;

/// <summary><c>monitor eval [--set file] [--topics file] [--mistakes]</c>: the tagger's quality on the labelled set.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var topicsOption = new Option<FileInfo?>("--topics") { Description = "A topic file to use instead of the built-in baseline." };
        var setOption = new Option<FileInfo?>("--set") { Description = "A labelled NDJSON set to use instead of the built-in one." };
        var mistakesOption = new Option<bool>("--mistakes") { Description = "Also list every wrong or missed topic and figure." };
        var command = new Command("eval", "Per-topic precision, recall and F1, micro/macro averages and figure-drift precision on the labelled set.")
        {
            topicsOption,
            setOption,
            mistakesOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TopicFile topics;
            IReadOnlyList<LabelledStatement> set;
            try
            {
                topics = Topics.Load(parse.GetValue(topicsOption));
                set = parse.GetValue(setOption) is { } file
                    ? Evaluator.Parse(await File.ReadAllTextAsync(file.FullName, cancellationToken))
                    : Evaluator.LoadDefaultSet();
            }
            catch (Exception ex) when (ex is TopicFileException or FormatException or IOException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            var report = Evaluator.Evaluate(new Tagger(topics), topics, set);
            Console.Out.Write(Format(report, parse.GetValue(mistakesOption)));
            return 0;
        });
        return command;
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
