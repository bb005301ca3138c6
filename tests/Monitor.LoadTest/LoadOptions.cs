using System.Globalization;
using Monitor.Contracts;

namespace Monitor.LoadTest;

/// <param name="Rate">Statements published per second in the latency run.</param>
/// <param name="Warmup">Statements pushed through the pipeline before anything is measured.</param>
/// <param name="Poll">Statements per <c>StatementsDiscovered</c> message in the burst: what one feed poll or archive page
/// finds (1 = one message per statement). The steady run always publishes one statement per message.</param>
internal sealed record LoadOptions(int Statements, int Replicas, int Rate, int Warmup, int Poll)
{
    public static LoadOptions Parse(string[] args)
    {
        var statements = 2000;
        var replicas = 1;
        var rate = 20;
        var warmup = 0;
        var poll = 20;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--statements":
                    statements = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--replicas":
                    replicas = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--rate":
                    rate = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup":
                    warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--poll":
                    poll = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    if (poll is < 1 or > StatementsDiscovered.MaxStatements)
                    {
                        throw new ArgumentException($"--poll must be between 1 and {StatementsDiscovered.MaxStatements}.");
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use --statements N, --rate N, --replicas N, --warmup N, --poll N.");
            }
        }

        return new LoadOptions(statements, replicas, rate, warmup, poll);
    }
}
