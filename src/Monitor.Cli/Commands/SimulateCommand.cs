using System.CommandLine;
using System.Globalization;
using Monitor.FeedSimulator;
using Simulator = Monitor.FeedSimulator.FeedSimulator;

namespace Monitor.Cli.Commands;

/// <summary>
/// <c>monitor simulate</c>: runs the feed simulator on 127.0.0.1 until Ctrl+C, e.g.
/// <c>monitor simulate --port 5090 --feeds rss:3,atom:1,nato-json:2,ep-api-atom:1,ep-api-jsonld:1 --rate 12</c>.
/// Faults are switched on its HTTP control API (<c>/control</c>).
/// </summary>
internal static class SimulateCommand
{
    private static readonly Dictionary<string, FeedShape> Shapes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rss"] = FeedShape.Rss,
        ["atom"] = FeedShape.Atom,
        ["nato-json"] = FeedShape.NatoJson,
        ["ep-api-atom"] = FeedShape.EpApiAtom,
        ["ep-api-jsonld"] = FeedShape.EpApiJsonLd,
    };

    public static Command Create()
    {
        var port = new Option<int>("--port", "-p") { Description = "Port on 127.0.0.1 (0: a free one).", DefaultValueFactory = _ => 5090 };
        var feeds = new Option<string>("--feeds", "-f")
        {
            Description = $"Feeds per shape, as shape:count,... Shapes: {string.Join(", ", Shapes.Keys)}.",
            DefaultValueFactory = _ => "rss:2,atom:1,nato-json:2,ep-api-atom:1,ep-api-jsonld:1",
        };
        var rate = new Option<double>("--rate", "-r") { Description = "New statements per minute over all feeds.", DefaultValueFactory = _ => 12 };
        var items = new Option<int>("--items") { Description = "Statements each feed starts with.", DefaultValueFactory = _ => 5 };
        var command = new Command("simulate", "Serve simulated NATO and European Parliament feeds on 127.0.0.1 (statements written by Monitor; faults on demand).")
        {
            port, feeds, rate, items,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryParseFeeds(parse.GetValue(feeds)!, out var plan, out var error))
            {
                await Console.Error.WriteLineAsync($"error: {error}");
                return 1;
            }

            await using var simulator = await Simulator.StartAsync(
                new FeedSimulatorOptions { Port = parse.GetValue(port), ItemsPerMinute = parse.GetValue(rate) }, cancellationToken: cancellationToken);
            foreach (var (shape, count) in plan)
            {
                for (var i = 1; i <= count; i++)
                {
                    var feed = simulator.AddFeed(string.Create(CultureInfo.InvariantCulture, $"{Shapes.First(s => s.Value == shape).Key}-{i}"), shape, parse.GetValue(items));
                    Console.Out.WriteLine($"{feed.Id,-18} {feed.Url}");
                }
            }

            Console.Out.WriteLine($"""

                Control: GET {simulator.BaseAddress}control/feeds
                         POST {simulator.BaseAddress}control/feeds/<id>/fault/<{string.Join("|", Enum.GetNames<FeedFault>())}>
                         POST {simulator.BaseAddress}control/feeds/<id>/heal, .../items?count=N, {simulator.BaseAddress}control/rate?itemsPerMinute=R
                Ctrl+C stops.
                """);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });
        return command;
    }

    private static bool TryParseFeeds(string text, out List<(FeedShape Shape, int Count)> plan, out string error)
    {
        plan = [];
        error = "";
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length != 2 || !Shapes.TryGetValue(pieces[0], out var shape)
                || !int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 0 or > 10_000)
            {
                error = $"'{part}' is not shape:count with a shape of {string.Join(", ", Shapes.Keys)} and a count from 0 to 10000.";
                return false;
            }

            plan.Add((shape, count));
        }

        return true;
    }
}
