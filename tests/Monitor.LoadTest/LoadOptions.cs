using System.Globalization;

namespace Monitor.LoadTest;

/// <param name="Rate">Statements published per second in the latency run.</param>
internal sealed record LoadOptions(int Statements, int Replicas, int Rate)
{
    public static LoadOptions Parse(string[] args)
    {
        var statements = 2000;
        var replicas = 1;
        var rate = 20;
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
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use --statements N, --rate N, --replicas N.");
            }
        }

        return new LoadOptions(statements, replicas, rate);
    }
}
