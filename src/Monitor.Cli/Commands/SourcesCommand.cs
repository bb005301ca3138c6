using System.CommandLine;
using System.Globalization;

namespace Monitor.Cli.Commands;

/// <summary>
/// <c>monitor sources list|add|pause|resume|remove --server http://localhost:5080</c>: the dashboard's
/// <c>/api/admin/sources</c> over HTTP, with an admin's API token from the environment variable MONITOR_TOKEN. An
/// error prints the server's message and exits non-zero.
/// </summary>
internal static class SourcesCommand
{
    public static Command Create()
    {
        var command = new Command("sources", "List, add, pause, resume and remove the sources Monitor polls (through the dashboard's admin API).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Toggle("pause", "Stop polling a source; it stays listed and keeps its history."));
        command.Subcommands.Add(Toggle("resume", "Poll a paused source again, at once."));
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Option<string> ServerOption() => new("--server", "-s")
    {
        Description = "The dashboard's address.",
        DefaultValueFactory = _ => "http://localhost:5080",
    };

    private static Argument<string> IdArgument() => new("id") { Description = "The source's id." };

    private static Command List()
    {
        var server = ServerOption();
        var command = new Command("list", "Every source with its health and last error.") { server };
        command.SetAction((parse, cancellationToken) => SourcesClient.RunAsync(parse.GetValue(server)!, async client =>
        {
            var sources = await client.ListAsync(cancellationToken);
            Console.Out.Write(SourcesTable.Render(sources));
            return 0;
        }));
        return command;
    }

    private static Command Add()
    {
        var server = ServerOption();
        var id = IdArgument();
        var url = new Argument<string>("url") { Description = "The feed's absolute http(s) URL." };
        var name = new Option<string?>("--name") { Description = "A readable name (default: the id)." };
        var adapter = new Option<string>("--adapter", "-a") { Description = "How to read it: rss, nato-json, ep-rss, ep-api, ep-thinktank.", DefaultValueFactory = _ => "rss" };
        var interval = new Option<int>("--interval", "-i") { Description = "Seconds between polls.", DefaultValueFactory = _ => 300 };
        var command = new Command("add", "Add a source; Ingestion polls it from its next scheduler tick.") { id, url, server, name, adapter, interval };
        command.SetAction((parse, cancellationToken) => SourcesClient.RunAsync(parse.GetValue(server)!, async client =>
        {
            var added = await client.AddAsync(
                new SourcesClient.AddRequest(parse.GetValue(id)!, parse.GetValue(name), parse.GetValue(url)!, parse.GetValue(adapter)!, parse.GetValue(interval)),
                cancellationToken);
            Console.Out.WriteLine($"Added {added.Id}: {added.Url} ({added.Adapter})");
            return 0;
        }));
        return command;
    }

    private static Command Toggle(string verb, string description)
    {
        var server = ServerOption();
        var id = IdArgument();
        var command = new Command(verb, description) { id, server };
        command.SetAction((parse, cancellationToken) => SourcesClient.RunAsync(parse.GetValue(server)!, async client =>
        {
            var source = await client.PostAsync(parse.GetValue(id)!, verb, cancellationToken);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{source.Id}: {(source.Enabled ? "polling" : "paused")}"));
            return 0;
        }));
        return command;
    }

    private static Command Remove()
    {
        var server = ServerOption();
        var id = IdArgument();
        var command = new Command("remove", "Remove a source; its statements stay, and a removed default is not seeded again.") { id, server };
        command.SetAction((parse, cancellationToken) => SourcesClient.RunAsync(parse.GetValue(server)!, async client =>
        {
            await client.RemoveAsync(parse.GetValue(id)!, cancellationToken);
            Console.Out.WriteLine($"Removed {parse.GetValue(id)}");
            return 0;
        }));
        return command;
    }
}
