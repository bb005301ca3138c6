using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Monitor.Core.Events;
using Monitor.Core.Events.Evaluation;
using Monitor.Core.Tagging;
using Monitor.Embeddings;

namespace Monitor.Cli.Commands;

/// <summary>
/// <c>monitor events-eval [--split tune|heldout|both] [--sweep] [--show] [--mode hybrid|calibrated|rules]</c>: the event
/// clusterer's pairwise and B-cubed precision, recall and F1 on the labelled events set (docs/events.md).
/// </summary>
/// <remarks>
/// The statements' signals (embeddings, topics, references) are computed once per run and every clustering reuses them.
/// <c>--sweep</c> searches the settings on the tuning part only; the held-out part is measured, never tuned on.
/// </remarks>
internal static class EventsEvalCommand
{
    public static Command Create()
    {
        var splitOption = new Option<string>("--split") { Description = "Which part of the labelled set: tune, heldout or both.", DefaultValueFactory = _ => "both" };
        var sweepOption = new Option<bool>("--sweep") { Description = "Search the settings on the tuning part and print the best (the held-out part is not touched)." };
        var showOption = new Option<bool>("--show") { Description = "List every predicted event of two or more statements, with each member's gold event and reason." };
        var modeOption = new Option<string>("--mode") { Description = "The tagger whose topics are a signal: hybrid, calibrated or rules.", DefaultValueFactory = _ => "hybrid" };
        var leadOption = new Option<int>("--lead") { Description = "Sentences after the title in a statement's vector.", DefaultValueFactory = _ => EventFeatures.LeadSentences };
        var titleWeightOption = new Option<double>("--title-weight") { Description = "Weight of the title against the lead sentences in a statement's vector.", DefaultValueFactory = _ => EventFeatures.TitleWeight };
        var noTopicsOption = new Option<bool>("--no-topics") { Description = "Leave the topics out (to measure what they add)." };
        var noEntitiesOption = new Option<bool>("--no-entities") { Description = "Leave the named entities out (to measure what they add)." };
        var rarityOption = new Option<double?>("--entity-rarity") { Description = "Weigh entities by rarity (counted over every statement's text in the set, no labels) with this entity weight; with --sweep, sweep the weight." };
        var command = new Command("events-eval", "Pairwise and B-cubed precision/recall/F1 of the event clusterer on the labelled events set (tuning and held-out parts).")
        {
            splitOption,
            sweepOption,
            showOption,
            modeOption,
            noTopicsOption,
            noEntitiesOption,
            rarityOption,
            leadOption,
            titleWeightOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var split = parse.GetValue(splitOption);
            IReadOnlyList<EventItem> items;
            Tagger tagger;
            try
            {
                if (split is not ("tune" or "heldout" or "both"))
                {
                    throw new ArgumentException($"--split must be tune, heldout or both, not '{split}'");
                }

                if (parse.GetValue(sweepOption) && split != "tune")
                {
                    throw new ArgumentException("--sweep runs on the tuning part only: add --split tune");
                }

                items = EventSet.LoadDefault();
                tagger = Taggers.Create(TopicFile.LoadDefault(), Taggers.ParseMode(parse.GetValue(modeOption)!));
            }
            catch (Exception ex) when (ex is FormatException or IOException or ArgumentException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            var parts = split == "both" ? new[] { "tune", "heldout" } : [split!];
            var wanted = items.Where(i => parts.Contains(i.Label.Split)).ToList();
            var watch = Stopwatch.StartNew();
            var cases = Build(wanted, tagger, !parse.GetValue(noTopicsOption), !parse.GetValue(noEntitiesOption), parse.GetValue(leadOption), parse.GetValue(titleWeightOption));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Signals of {cases.Count} statements in {watch.Elapsed.TotalSeconds:0.0} s (tagger {tagger.Mode}, {Taggers.Embedder.ModelId})"));

            var rarity = parse.GetValue(rarityOption) is { } rarityWeight ? (Weight: rarityWeight, Table: Rarity(items)) : ((double Weight, IReadOnlyDictionary<string, double> Table)?)null;
            if (parse.GetValue(sweepOption))
            {
                Console.Out.Write(rarity is { } r ? SweepRarity(cases, r.Table) : Sweep(cases));
                return 0;
            }

            var options = rarity is { } chosen ? new EventOptions { EntityWeight = chosen.Weight, EntityRarity = chosen.Table } : new EventOptions();
            Console.Out.WriteLine($"Settings: {options}");
            foreach (var part in parts)
            {
                var run = EventEvaluator.Run(part, [.. cases.Where(c => c.Item.Label.Split == part)], options);
                Console.Out.WriteLine();
                Console.Out.WriteLine(part == "heldout" ? "## held-out part (never tuned on)" : "## tuning part");
                Console.Out.Write(Format(run));
                if (parse.GetValue(showOption))
                {
                    Console.Out.Write(Show(run));
                }
            }

            return 0;
        });
        return command;
    }

    internal static List<EventCase> Build(IReadOnlyList<EventItem> items, Tagger tagger, bool topics, bool entities, int lead, double titleWeight)
    {
        var features = new EventFeatures(tagger, Taggers.Embedder, lead, titleWeight);
        var cases = new List<EventCase>();
        for (var i = 0; i < items.Count; i++)
        {
            var s = items[i].Statement;
            var tags = topics ? tagger.Analyse(s.Title, s.Text, s.Id).Topics.Select(t => t.TopicId).ToList() : [];
            // The entities as the Tagging worker's clustering finds them: the extractor over the title and text.
            var names = entities ? EventFeatures.Entities(s.Title, s.Text) : null;
            cases.Add(new EventCase(items[i], features.Build(i + 1, items[i].Date, s.Institution ?? "?", s.Title, s.Text, tags, names)));
        }

        return cases;
    }

    internal static string Format(EventRun run)
    {
        var c = CultureInfo.InvariantCulture;
        var w = new StringWriter(c);
        var gold = run.ById.Values.GroupBy(x => x.Item.Label.Event).ToList();
        var predicted = run.Clusterer.Events;
        w.WriteLine($"{run.All.Items} statements; gold: {gold.Count} events, {gold.Count(g => g.Count() > 1)} of two or more; predicted: {predicted.Count} events, {predicted.Count(e => e.Members.Count > 1)} of two or more");
        w.WriteLine();
        w.WriteLine("| statements scored | pairwise P | pairwise R | pairwise F1 | B-cubed P | B-cubed R | B-cubed F1 |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, s) in new[] { ("all", run.All), ("in gold events of 2+", run.Grouped) })
        {
            w.WriteLine(string.Create(c, $"| {name} ({s.Items}) | {s.PairPrecision:0.000} | {s.PairRecall:0.000} | {s.PairF1:0.000} | {s.BCubedPrecision:0.000} | {s.BCubedRecall:0.000} | {s.BCubedF1:0.000} |"));
        }

        w.WriteLine(string.Create(c, $"Pairs: {run.All.CorrectPairs} correct of {run.All.PredictedPairs} predicted, {run.All.GoldPairs} gold"));

        // The pairs the issue is about: a NATO and an EP statement on the same story.
        var eventOf = run.Clusterer.Events.SelectMany(e => e.Members.Select(m => (m.StatementId, e.Id))).ToDictionary(x => x.StatementId, x => x.Id);
        var cases = run.ById.Values.ToList();
        int crossGold = 0, crossFound = 0, crossPredicted = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            for (var j = i + 1; j < cases.Count; j++)
            {
                if (cases[i].Statement.Institution == cases[j].Statement.Institution)
                {
                    continue;
                }

                var same = cases[i].Item.Label.Event == cases[j].Item.Label.Event;
                var together = eventOf[cases[i].Statement.Id] == eventOf[cases[j].Statement.Id];
                crossGold += same ? 1 : 0;
                crossPredicted += together ? 1 : 0;
                crossFound += same && together ? 1 : 0;
            }
        }

        w.WriteLine($"NATO-EP pairs: {crossFound} correct of {crossPredicted} predicted, {crossGold} gold");
        return w.ToString();
    }

    internal static string Show(EventRun run)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var e in run.Clusterer.Events.Where(e => e.Members.Count > 1))
        {
            var golds = e.Members.Select(m => run.ById[m.StatementId].Item.Label.Event).Distinct().Count();
            w.WriteLine();
            w.WriteLine($"### event {e.Id}: {e.Members.Count} statements, {golds} gold event(s), {string.Join(" then ", e.Institutions)}, {e.FirstDate:yyyy-MM-dd}..{e.LastDate:yyyy-MM-dd}");
            foreach (var m in e.Members)
            {
                var item = run.ById[m.StatementId].Item;
                var title = item.Statement.Title.Length > 90 ? item.Statement.Title[..90] + "…" : item.Statement.Title;
                w.WriteLine($"- [{m.StatementId}] {item.Statement.Id} {m.Date:yyyy-MM-dd} gold={item.Label.Event} | {title} | {m.Reason}");
            }

            foreach (var h in e.History)
            {
                w.WriteLine($"  - {h}");
            }
        }

        return w.ToString();
    }

    // The rarity of each entity over every statement of the set (its text only: no label, no split is read).
    internal static IReadOnlyDictionary<string, double> Rarity(IReadOnlyList<EventItem> items)
    {
        var naming = items.SelectMany(i => EventFeatures.Entities(i.Statement.Title, i.Statement.Text).Distinct())
            .GroupBy(e => e, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return EntityRarity.From(naming, items.Count);
    }

    // The rarity-weighted entity signal on the tuning part: its weight, at the default settings and with the join threshold
    // moved around them; the NATO-EP pairs beside the B-cubed figures.
    internal static string SweepRarity(IReadOnlyList<EventCase> cases, IReadOnlyDictionary<string, double> rarity)
    {
        var c = CultureInfo.InvariantCulture;
        var w = new StringWriter(c);
        w.WriteLine("| join | entity weight (rarity) | B3 P | B3 R | B3 F1 | B3 F1 (2+) | pair P | pair R | NATO-EP pairs |");
        w.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var join in new[] { 0.70, 0.75, 0.80 })
        {
            foreach (var entity in new[] { 0.0, 0.05, 0.1, 0.15, 0.2, 0.3 })
            {
                var options = new EventOptions { JoinThreshold = join, MergeThreshold = join, EntityWeight = entity, EntityRarity = rarity };
                var r = EventEvaluator.Run("tune", cases, options);
                var cross = Format(r).Split('\n').First(l => l.StartsWith("NATO-EP", StringComparison.Ordinal)).Trim();
                w.WriteLine(string.Create(c, $"| {join:0.00} | {entity:0.00} | {r.All.BCubedPrecision:0.000} | {r.All.BCubedRecall:0.000} | {r.All.BCubedF1:0.000} | {r.Grouped.BCubedF1:0.000} | {r.All.PairPrecision:0.000} | {r.All.PairRecall:0.000} | {cross} |"));
            }
        }

        return w.ToString();
    }

    // A grid over the main settings, on the tuning part; prints the ten best by B-cubed F1 over all its statements.
    internal static string Sweep(IReadOnlyList<EventCase> cases)
    {
        var c = CultureInfo.InvariantCulture;
        var results = new List<(EventOptions Options, EventRun Run)>();
        foreach (var join in Enumerable.Range(0, 13).Select(i => 0.6 + 0.025 * i))
        {
            foreach (var window in new[] { 3, 7 })
            {
                foreach (var topic in new[] { 0.0, 0.05, 0.1, 0.15, 0.2 })
                {
                    foreach (var entity in new[] { 0.0, 0.05, 0.1, 0.2 })
                    {
                    foreach (var day in new[] { 0.0, 0.01, 0.02 })
                    {
                        foreach (var merge in new[] { 0.0, 0.05, 9.0 })
                        {
                            var options = new EventOptions { JoinThreshold = join, WindowDays = window, TopicWeight = topic, EntityWeight = entity, DayPenalty = day, MergeThreshold = join + merge };
                            results.Add((options, EventEvaluator.Run("tune", cases, options)));
                        }
                    }
                    }
                }
            }
        }

        var w = new StringWriter(c);
        w.WriteLine($"{results.Count} settings on the tuning part; the 15 best by B-cubed F1 (all statements):");
        w.WriteLine("| join | merge | window | topic | entity | day | B3 P | B3 R | B3 F1 | B3 F1 (2+) | pair P | pair R |");
        w.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (o, r) in results.OrderByDescending(x => x.Run.All.BCubedF1).ThenByDescending(x => x.Run.Grouped.BCubedF1).Take(15))
        {
            w.WriteLine(string.Create(c, $"| {o.JoinThreshold:0.000} | {(o.MergeThreshold > 5 ? "none" : o.MergeThreshold.ToString("0.000", c))} | {o.WindowDays} | {o.TopicWeight:0.00} | {o.EntityWeight:0.00} | {o.DayPenalty:0.00} | {r.All.BCubedPrecision:0.000} | {r.All.BCubedRecall:0.000} | {r.All.BCubedF1:0.000} | {r.Grouped.BCubedF1:0.000} | {r.All.PairPrecision:0.000} | {r.All.PairRecall:0.000} |"));
        }

        return w.ToString();
    }
}
