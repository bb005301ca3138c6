using System.CommandLine;
using Monitor.Core.Tagging;
using Monitor.Embeddings;

namespace Monitor.Cli.Commands;

/// <summary><c>monitor tag [--topics file]</c>: NDJSON statements on stdin, one NDJSON result per line on stdout.</summary>
internal static class TagCommand
{
    public static Command Create()
    {
        var topics = new Option<FileInfo?>("--topics") { Description = "A topic file to use instead of the built-in baseline (topics.json format)." };
        var mode = new Option<string>("--mode") { Description = "hybrid (rules + sentence embeddings, the default), calibrated (rules with the trained calibration) or rules (minScore).", DefaultValueFactory = _ => "hybrid" };
        var command = new Command("tag", "Tag NDJSON statements {\"id\",\"title\",\"text\"} read from stdin; writes one JSON line per input. Exit code 1 if any line failed.")
        {
            topics,
            mode,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Tagger tagger;
            try
            {
                tagger = Taggers.Create(Topics.Load(parse.GetValue(topics)), Taggers.ParseMode(parse.GetValue(mode)!));
            }
            catch (Exception ex) when (ex is TopicFileException or ArgumentException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            var lines = new StatementLines(tagger);
            var failures = 0;
            var number = 0;
            using var input = new StreamReader(Console.OpenStandardInput());
            await using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
            while (await input.ReadLineAsync(cancellationToken) is { } line)
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                await output.WriteLineAsync(lines.TagLine(line, number, out var failed));
                failures += failed ? 1 : 0;
            }

            await output.FlushAsync(cancellationToken);
            if (failures > 0)
            {
                await Console.Error.WriteLineAsync($"{failures} of {number} lines failed");
            }

            return failures > 0 ? 1 : 0;
        });
        return command;
    }
}

/// <summary>The topic file a command uses: <c>--topics</c> or the built-in baseline.</summary>
internal static class Topics
{
    public static TopicFile Load(FileInfo? file) => file is null ? TopicFile.LoadDefault() : TopicFile.LoadFile(file.FullName);
}
