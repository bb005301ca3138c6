using System.CommandLine;
using Monitor.Core.Tagging;
using Monitor.Core.Tagging.Evaluation;
using Monitor.Core.Tagging.Semantic;
using Monitor.Embeddings;

namespace Monitor.Cli.Commands;

/// <summary>
/// <c>monitor train [--out file] [--corpus file] [--topics file]</c>: makes the tagging model from the train split of the
/// real corpus (never from test) and writes it; the built-in one is <c>src/Monitor.Core/Tagging/Semantic/model.json</c>.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var outOption = new Option<FileInfo>("--out") { Description = "Where to write the model.", DefaultValueFactory = _ => new FileInfo("model.json") };
        var corpusOption = new Option<FileInfo?>("--corpus") { Description = "A labelled NDJSON corpus instead of the built-in one (its train split is used)." };
        var topicsOption = new Option<FileInfo?>("--topics") { Description = "A topic file to use instead of the built-in baseline." };
        var cvOption = new Option<bool>("--cv") { Description = "Print the 5-fold cross-validated quality on the train split instead of writing a model (what design choices are tuned on)." };
        var maxOption = new Option<int>("--max-sentences") { Description = "Sentences embedded per statement (title included).", DefaultValueFactory = _ => 8 };
        var command = new Command("train", "Make the tagging model (reference sentences and per-topic calibration) from the train split of the real corpus.")
        {
            outOption,
            corpusOption,
            topicsOption,
            maxOption,
            cvOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TopicFile topics;
            IReadOnlyList<LabelledStatement> corpus;
            try
            {
                topics = Topics.Load(parse.GetValue(topicsOption));
                corpus = parse.GetValue(corpusOption) is { } file
                    ? Evaluator.Parse(await File.ReadAllTextAsync(file.FullName, cancellationToken))
                    : Corpus.LoadDefault();
            }
            catch (Exception ex) when (ex is TopicFileException or FormatException or IOException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            var train = Corpus.Train(corpus);
            if (parse.GetValue(cvOption))
            {
                await Console.Error.WriteLineAsync($"Cross-validating on the {train.Count} statements of the train split");
                var (hybrid, calibrated) = SemanticTrainer.CrossValidate(topics, train, Taggers.Embedder, parse.GetValue(maxOption), m => Console.Error.WriteLine(m));
                Console.Out.WriteLine("## hybrid, 5-fold cross-validation on train");
                Console.Out.Write(EvalCommand.Format(hybrid, mistakes: false));
                Console.Out.WriteLine();
                Console.Out.WriteLine("## rules + calibration, 5-fold cross-validation on train");
                Console.Out.Write(EvalCommand.Format(calibrated, mistakes: false));
                return 0;
            }

            await Console.Error.WriteLineAsync($"Training on {train.Count} of {corpus.Count} statements (the train split)");
            var model = SemanticTrainer.Train(topics, train, Taggers.Embedder, parse.GetValue(maxOption), m => Console.Error.WriteLine(m));
            var output = parse.GetValue(outOption)!;
            await File.WriteAllBytesAsync(output.FullName, SemanticModel.Write(model), cancellationToken);
            await Console.Error.WriteLineAsync($"Wrote {output.FullName}");
            return 0;
        });
        return command;
    }
}
