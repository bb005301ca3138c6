using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Monitor.Core.Entities;
using Monitor.Core.Tagging.Evaluation;
using Monitor.Data;
using Monitor.Data.Statements;

namespace Monitor.Cli.Commands;

/// <summary>
/// <c>monitor entities eval [--labels file]</c>: the entity extractor's precision and recall on the real corpus,
/// recomputed from the hand-checked labels (docs/entities.md), train and test apart.
/// <c>monitor entities counts [--split train]</c>: how often each entity and form occurs (how the gazetteer is tuned).
/// <c>monitor entities sample --split train|test --count N [--seed S]</c>: statements to label, one NDJSON line each.
/// <c>monitor entities fill [--provider P] [--connection-string C]</c>: entity rows for statements stored before migration 0018.
/// </summary>
internal static class EntitiesCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var command = new Command("entities", "The entity gazetteer on the real corpus: precision and recall from the hand-checked labels, counts, samples to label.");
        command.Subcommands.Add(CreateEval());
        command.Subcommands.Add(CreateCounts());
        command.Subcommands.Add(CreateSample());
        command.Subcommands.Add(CreateFill());
        return command;
    }

    private static Command CreateEval()
    {
        var labelsOption = new Option<FileInfo?>("--labels") { Description = "A labels file instead of the built-in one (Entities/entity-labels.ndjson)." };
        var noAdjectives = new Option<bool>("--no-demonyms") { Description = "Score the names alone (demonyms off)." };
        var command = new Command("eval", "Precision per (entity, form) and per (statement, entity), and recall, on the labelled train and test statements.") { labelsOption, noAdjectives };
        command.SetAction(async (parse, cancellationToken) =>
        {
            IReadOnlyList<StatementEntityLabels> labels;
            try
            {
                labels = parse.GetValue(labelsOption) is { } file
                    ? EntityEvaluation.ParseLabels(await File.ReadAllTextAsync(file.FullName, cancellationToken))
                    : EntityEvaluation.LoadDefaultLabels();
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            var extractor = new EntityExtractor(Gazetteer.LoadDefault(), adjectives: !parse.GetValue(noAdjectives));
            var report = EntityEvaluation.Evaluate(extractor, Corpus.LoadDefault(), labels);
            Console.Out.Write(Format(report));
            return report.Unlabelled.Count == 0 ? 0 : 1;
        });
        return command;
    }

    internal static string Format(EntityEvaluationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var w = new StringWriter(c);
        w.WriteLine("| group | statements | forms checked | form precision | (statement, entity) pairs | pair precision | statements read for recall | recall |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in report.Scores)
        {
            var recall = s.RecallStatements == 0 ? "" : string.Create(c, $"{s.Recall:0.000} ({s.RecallFound}/{s.RecallFound + s.RecallMissed})");
            w.WriteLine(string.Create(c, $"| {s.Name} | {s.Statements} | {s.Forms} | {s.FormPrecision:0.000} ({s.FormsOk}/{s.Forms}) | {s.Pairs} | {s.PairPrecision:0.000} ({s.PairsOk}/{s.Pairs}) | {(s.RecallStatements == 0 ? "" : s.RecallStatements)} | {recall} |"));
        }

        w.WriteLine();
        w.WriteLine($"Wrong ({report.Wrong.Count}):");
        foreach (var line in report.Wrong)
        {
            w.WriteLine($"  {line}");
        }

        if (report.Stale.Count > 0)
        {
            w.WriteLine($"Labelled but no longer found ({report.Stale.Count}; in no score):");
            foreach (var line in report.Stale)
            {
                w.WriteLine($"  {line}");
            }
        }

        if (report.Unlabelled.Count > 0)
        {
            w.WriteLine($"Found but not labelled ({report.Unlabelled.Count}; label them before quoting a figure):");
            foreach (var line in report.Unlabelled)
            {
                w.WriteLine($"  {line}");
            }
        }

        return w.ToString();
    }

    private static Command CreateCounts()
    {
        var splitOption = new Option<string>("--split") { Description = "train (default: tuning looks at train only) or all.", DefaultValueFactory = _ => "train" };
        var command = new Command("counts", "Statements naming each entity, and each form's count, on the real corpus.") { splitOption };
        command.SetAction(parse =>
        {
            var corpus = Corpus.LoadDefault();
            var items = parse.GetValue(splitOption) switch
            {
                "train" => Corpus.Train(corpus),
                "all" => corpus,
                var other => throw new ArgumentException($"--split must be train or all, not '{other}'"),
            };
            var extractor = EntityExtractor.Default;
            var forms = items.SelectMany(s => EntityEvaluation.Forms(extractor, s).Select(f => (f.Entity, f.Surface))).ToList();
            Console.Out.WriteLine($"{items.Count} statements");
            foreach (var g in forms.GroupBy(f => f.Entity).OrderByDescending(g => g.Count()))
            {
                var surfaces = string.Join(", ", g.GroupBy(f => f.Surface).OrderByDescending(s => s.Count()).Select(s => $"{s.Key} {s.Count()}"));
                Console.Out.WriteLine($"{g.Key}\t{g.Count()}\t{surfaces}");
            }

            var unused = extractor.Gazetteer.Entities.Select(e => e.Id).Except(forms.Select(f => f.Entity)).ToList();
            Console.Out.WriteLine($"never found ({unused.Count}): {string.Join(", ", unused)}");
            return 0;
        });
        return command;
    }

    private static Command CreateFill()
    {
        var provider = new Option<DatabaseProvider>("--provider")
        {
            Description = "Sqlite or Postgres (default: Database__Provider, else Sqlite).",
            DefaultValueFactory = _ => Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable("Database__Provider"), true, out var p) ? p : DatabaseProvider.Sqlite,
        };
        var connection = new Option<string>("--connection-string")
        {
            Description = "The database (default: Database__ConnectionString, else the embedded default Data Source=data/monitor.db).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Database__ConnectionString") is { Length: > 0 } c ? c : new DatabaseOptions().ConnectionString,
        };
        var command = new Command("fill", "Find the entities of the statements stored before migration 0018 (those with none yet); run once after upgrading.") { provider, connection };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new DatabaseOptions { Provider = parse.GetValue(provider), ConnectionString = parse.GetValue(connection)! };
            if (options.Provider == DatabaseProvider.Sqlite && !File.Exists(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource))
            {
                await Console.Error.WriteLineAsync($"error: no database at '{options.ConnectionString}'; pass --connection-string (run it where the dashboard runs).");
                return 2;
            }

            await using var database = new Database(options);
            try
            {
                var (statements, rows) = await new StatementEntityFill(database).FillAsync(cancellationToken: cancellationToken);
                Console.Out.WriteLine($"{statements} statements without entities read, {rows} entity rows written.");
                return 0;
            }
            catch (System.Data.Common.DbException ex)
            {
                await Console.Error.WriteLineAsync($"error: cannot use the database (has the dashboard or Persistence migrated it to 0018?): {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    private static Command CreateSample()
    {
        var splitOption = new Option<string>("--split") { Description = "train or test.", Required = true };
        var countOption = new Option<int>("--count") { Description = "Statements to draw.", DefaultValueFactory = _ => 40 };
        var seedOption = new Option<int>("--seed") { DefaultValueFactory = _ => 17 };
        var command = new Command("sample", "Draws statements of a split at random and prints each one's found forms with their context, to label.") { splitOption, countOption, seedOption };
        command.SetAction(parse =>
        {
            var corpus = Corpus.LoadDefault();
            var items = parse.GetValue(splitOption) switch
            {
                "train" => Corpus.Train(corpus),
                "test" => Corpus.Test(corpus),
                var other => throw new ArgumentException($"--split must be train or test, not '{other}'"),
            };
            var random = new Random(parse.GetValue(seedOption));
            var drawn = items.OrderBy(i => i.Id, StringComparer.Ordinal).OrderBy(_ => random.Next()).Take(parse.GetValue(countOption));
            foreach (var statement in drawn)
            {
                var mentions = EntityEvaluation.Forms(EntityExtractor.Default, statement).Select(f =>
                {
                    var source = f.First.Field == EntityField.Title ? statement.Title : statement.Text;
                    var from = Math.Max(0, f.First.Start - 60);
                    var to = Math.Min(source.Length, f.First.Start + f.First.Length + 60);
                    return new { entity = f.Entity, surface = f.Surface, ok = (bool?)null, context = source[from..to].ReplaceLineEndings(" ") };
                });
                Console.Out.WriteLine(JsonSerializer.Serialize(new { statement = statement.Id, recallChecked = false, mentions, missed = Array.Empty<string>() }, Json));
            }

            return 0;
        });
        return command;
    }
}
