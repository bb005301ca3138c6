using System.CommandLine;
using Monitor.Cli.Commands;

// `monitor <command>`: one file per command under Commands/.
var root = new RootCommand("Monitor: tag statements against the briefing's baseline topics and manage sources.");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
