using System.CommandLine;

namespace Monitor.Cli.Commands;

/// <summary>Every command of the <c>monitor</c> tool; add a command by adding its factory here.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        TagCommand.Create(),
        EvalCommand.Create(),
        EventsEvalCommand.Create(),
        TrainCommand.Create(),
        SourcesCommand.Create(),
        BackfillCommand.Create(),
        SimulateCommand.Create(),
        UsersCommand.Create(),
        ErrorsCommand.Create(),
        EntitiesCommand.Create(),
    ];
}
