using System.CommandLine;

namespace Monitor.Cli.Commands;

/// <summary>
/// <c>monitor backfill --source ID --since 2022-01-01 [--until DATE] [--wait]</c> starts a backfill of a source's archive;
/// <c>monitor backfill list|pause|resume|cancel</c> manage them. Through the dashboard's <c>/api/admin/backfills</c> with an
/// admin's API token in MONITOR_TOKEN, like <c>monitor sources</c>; Ingestion does the walking.
/// </summary>
internal static class BackfillCommand
{
    private const string Path = "api/admin/backfills";

    public sealed record Backfill(
        long Id, string SourceId, string Since, string Until, string State, int Pages, long ItemsFound, long ItemsPublished, long ItemsStored,
        double? RatePerSecond, double? EtaSeconds, double? Progress, string? ReachedDay, int Failures, string? LastError);

    public static Command Create()
    {
        var server = ServerOption();
        var source = new Option<string>("--source") { Description = "The source's id (see `monitor sources list`)." };
        var since = new Option<string>("--since") { Description = "The first day to backfill, yyyy-MM-dd (e.g. 2022-01-01)." };
        var until = new Option<string?>("--until") { Description = "The last day, yyyy-MM-dd (default: today)." };
        var wait = new Option<bool>("--wait") { Description = "Print progress every 10 s until the backfill is over." };
        var command = new Command("backfill", "Backfill a source's archive back to a date, or manage backfills (list, pause, resume, cancel).")
        {
            server, source, since, until, wait,
        };
        command.SetAction((parse, cancellationToken) => SourcesClient.RunAsync(parse.GetValue(server)!, async client =>
        {
            if (string.IsNullOrWhiteSpace(parse.GetValue(source)) || string.IsNullOrWhiteSpace(parse.GetValue(since)))
            {
                await Console.Error.WriteLineAsync("error: give --source ID and --since yyyy-MM-dd (or a subcommand: list, pause, resume, cancel)");
                return 2;
            }

            var job = await client.SendAsync<Backfill>(HttpMethod.Post, Path,
                new { sourceId = parse.GetValue(source), since = parse.GetValue(since), until = parse.GetValue(until) }, cancellationToken);
            Console.Out.WriteLine(Line(job));
            while (parse.GetValue(wait) && job.State is "running" or "paused")
            {
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                job = await client.SendAsync<Backfill>(HttpMethod.Get, $"{Path}/{job.Id}", null, cancellationToken);
                Console.Out.WriteLine(Line(job));
            }

            return job.State is "failed" ? 1 : 0;
        }));
        command.Subcommands.Add(List());
        foreach (var verb in new[] { "pause", "resume", "cancel" })
        {
            command.Subcommands.Add(Move(verb));
        }

        return command;
    }

    private static Option<string> ServerOption() => new("--server", "-s")
    {
        Description = "The dashboard's address.",
        DefaultValueFactory = _ => "http://localhost:5080",
    };

    private static Command List()
    {
        var server = ServerOption();
        var command = new Command("list", "The latest backfills with their progress.") { server };
        command.SetAction((parse, cancellationToken) => SourcesClient.RunAsync(parse.GetValue(server)!, async client =>
        {
            foreach (var job in await client.SendAsync<List<Backfill>>(HttpMethod.Get, Path, null, cancellationToken))
            {
                Console.Out.WriteLine(Line(job));
            }

            return 0;
        }));
        return command;
    }

    private static Command Move(string verb)
    {
        var server = ServerOption();
        var id = new Argument<long>("id") { Description = "The backfill's id (see `monitor backfill list`)." };
        var command = new Command(verb, $"{char.ToUpperInvariant(verb[0])}{verb[1..]} a backfill.") { id, server };
        command.SetAction((parse, cancellationToken) => SourcesClient.RunAsync(parse.GetValue(server)!, async client =>
        {
            Console.Out.WriteLine(Line(await client.SendAsync<Backfill>(HttpMethod.Post, $"{Path}/{parse.GetValue(id)}/{verb}", null, cancellationToken)));
            return 0;
        }));
        return command;
    }

    private static string Line(Backfill job) =>
        FormattableString.Invariant($"#{job.Id} {job.SourceId} {job.Since}..{job.Until} {job.State}: {job.Pages} pages, {job.ItemsFound} found, {job.ItemsPublished} published, {job.ItemsStored} stored")
        + (job.RatePerSecond is { } rate ? FormattableString.Invariant($", {rate:0.#}/s") : "")
        + (job.ReachedDay is { } day ? $", back to {day}" : "")
        + (job.EtaSeconds is { } eta ? FormattableString.Invariant($", ETA {TimeSpan.FromSeconds(Math.Round(eta)):c}") : "")
        + (job.LastError is { } error ? $" (last error: {error})" : "");
}
