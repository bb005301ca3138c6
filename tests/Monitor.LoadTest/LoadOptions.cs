using System.Globalization;

namespace Monitor.LoadTest;

/// <param name="Rate">Statements published per second in the latency run.</param>
/// <param name="Warmup">Statements pushed through the pipeline before anything is measured.</param>
internal sealed record LoadOptions(int Statements, int Replicas, int Rate, int Warmup)
{
    public static LoadOptions Parse(string[] args)
    {
        var statements = 2000;
        var replicas = 1;
        var rate = 20;
        var warmup = 0;
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
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use --statements N, --rate N, --replicas N, --warmup N.");
            }
        }

        return new LoadOptions(statements, replicas, rate, warmup);
    }
}
