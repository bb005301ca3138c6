using System.Globalization;

namespace Monitor.LoadTest;

internal sealed record LoadOptions(int Statements, int Replicas, TimeSpan Timeout)
{
    public static LoadOptions Parse(string[] args)
    {
        var statements = 2000;
        var replicas = 1;
        var timeout = TimeSpan.FromMinutes(5);
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
                case "--timeout-seconds":
                    timeout = TimeSpan.FromSeconds(int.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use --statements N, --replicas N, --timeout-seconds N.");
            }
        }

        return new LoadOptions(statements, replicas, timeout);
    }
}
