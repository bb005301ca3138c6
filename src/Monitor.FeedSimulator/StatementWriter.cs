using System.Globalization;

namespace Monitor.FeedSimulator;

/// <summary>
/// Writes NATO- and European-Parliament-style statements about the briefing's baseline topics from a small phrase
/// bank of this project's own. Deterministic for a seed, so a test can rerun the same feed. Never real texts.
/// </summary>
public sealed class StatementWriter(int seed = 2026)
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();

    // One or two phrases per baseline topic (ids from the briefing's TOPICS.md), written for the simulator.
    private static readonly (string Topic, string Headline, string Sentence)[] Phrases =
    [
        ("condemnation-withdrawal", "condemns the continued aggression and calls for a full withdrawal", "Allies condemned the war of aggression in the strongest terms and called on Russia to cease hostilities and withdraw its forces."),
        ("no-direct-involvement", "reaffirms that the Alliance is not a party to the conflict", "NATO is a defensive alliance and will not deploy combat troops to Ukraine, nor impose a no-fly zone, to avoid escalation."),
        ("weapons-military-aid", "announces further air defence and ammunition for Ukraine", "Allies pledged more air defence systems, ammunition and training for Ukrainian forces to sustain military support."),
        ("sanctions", "backs a further sanctions package", "Members called for a new sanctions package, a ban on dual-use exports and firm action against sanctions circumvention."),
        ("humanitarian-aid", "steps up humanitarian assistance", "Humanitarian aid, medical supplies and fuel will reach civilians and refugees through coordinated requests for assistance."),
        ("deterrence-eastern-flank", "reinforces forward presence on the eastern flank", "Additional battlegroups, fighter jets and ships strengthen deterrence and defence on the eastern flank from the Baltic states to Romania."),
        ("collective-defence", "restates the iron-clad commitment to Article 5", "The commitment to Article 5 is iron-clad: Allies will defend every inch of Allied territory."),
        ("open-door-enlargement", "upholds the open-door policy", "The open-door policy under Article 10 stands, and the membership aspirations of applicant countries were welcomed."),
        ("nato-ukraine-partnership", "convenes the NATO-Ukraine Council", "The NATO-Ukraine Council discussed interoperability, defence reform and capacity building."),
        ("territorial-integrity", "rejects the annexation of occupied regions", "Sham referendums will never be recognised; Ukraine's sovereignty and territorial integrity within its internationally recognised borders are not negotiable."),
        ("nuclear-chemical-threats", "warns against nuclear rhetoric", "Irresponsible nuclear rhetoric was condemned, and any use of chemical or biological weapons would have severe consequences."),
        ("partners-at-risk", "extends support to partners at risk", "Moldova, Georgia and Bosnia and Herzegovina will receive defence capacity-building packages against Russian pressure."),
        ("asia-pacific-partners", "meets Asia-Pacific partners", "Leaders of Australia, Japan, New Zealand and the Republic of Korea joined the discussion on shared security challenges."),
        ("cyber-hybrid-disinformation", "counters hybrid threats and disinformation", "Cyber attacks, sabotage of critical undersea infrastructure and disinformation campaigns were discussed as hybrid threats."),
        ("strategic-concept", "reviews progress on the Strategic Concept", "Ministers reviewed the implementation of the Strategic Concept and the long-term adaptation of the Alliance."),
        ("eu-nato-cooperation", "deepens EU-NATO cooperation", "The European Parliament welcomed the joint declaration on EU-NATO cooperation and a stronger European pillar of NATO."),
        ("defence-spending", "agrees to raise defence spending", "Allies agreed to invest at least 2% of GDP in defence and to scale up defence industrial production."),
        ("nato-russia-relations", "assesses relations with Russia", "Russia remains the most significant and direct threat, and practical dialogue in the NATO-Russia Council stays suspended."),
    ];

    private static readonly string[] NatoSpeakers =
    [
        "Secretary General", "Deputy Secretary General", "North Atlantic Council", "Defence Ministers", "Foreign Ministers", "Military Committee",
    ];

    private static readonly string[] ParliamentSpeakers =
    [
        "Parliament", "MEPs", "Foreign Affairs Committee", "Security and Defence Committee", "President of the European Parliament", "Plenary",
    ];

    private static readonly string[] Fillers =
    [
        "The statement was agreed after a meeting in Brussels.",
        "Further details will follow after the next ministerial meeting.",
        "The text was adopted with a large majority.",
        "Officials will report back to the Council before the end of the year.",
        "The decision takes effect immediately.",
    ];

    /// <summary>A new statement numbered <paramref name="number"/> for a feed of <paramref name="shape"/>.</summary>
    public SimulatedItem Write(string feedId, FeedShape shape, long number, DateTimeOffset published)
    {
        lock (_lock)
        {
            var nato = shape == FeedShape.NatoJson;
            var first = Phrases[_random.Next(Phrases.Length)];
            var second = Phrases[_random.Next(Phrases.Length)];
            var speaker = nato ? NatoSpeakers[_random.Next(NatoSpeakers.Length)] : ParliamentSpeakers[_random.Next(ParliamentSpeakers.Length)];
            var filler = Fillers[_random.Next(Fillers.Length)];
            var year = published.Year.ToString(CultureInfo.InvariantCulture);
            var reference = shape switch
            {
                // Unique per feed, so two simulated EP API feeds never list "the same" document.
                FeedShape.EpApiAtom or FeedShape.EpApiJsonLd => $"TA-10-{year}-{FeedNumber(feedId)}{number % 10000:0000}",
                FeedShape.NatoJson => $"nato-{year}-{number}",
                _ => $"{published:yyyyMMdd}IPR{10000 + (number % 90000)}",
            };
            var slug = string.Join('-', first.Headline.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(6)).ToLowerInvariant().Replace(",", "", StringComparison.Ordinal);
            var path = nato
                ? $"/en/news-and-events/news/{published:yyyy/MM/dd}/{feedId}-{number}-{slug}"
                : $"/news/en/press-room/{feedId}-{number}-{slug}";
            var title = $"{speaker} {first.Headline}";
            var topics = first.Topic == second.Topic ? new[] { first.Topic } : new[] { first.Topic, second.Topic };
            var paragraphs = first.Topic == second.Topic ? new[] { first.Sentence, filler } : new[] { first.Sentence, second.Sentence, filler };
            return new SimulatedItem(number, $"{feedId}-{number}", path, title, first.Sentence, paragraphs, published, reference, topics);
        }
    }

    /// <summary>A small stable number for a feed id (string.GetHashCode differs per process).</summary>
    private static int FeedNumber(string feedId)
    {
        var hash = 2166136261u;
        foreach (var c in feedId)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return 100 + (int)(hash % 900);
    }
}
