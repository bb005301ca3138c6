using System.Globalization;
using System.Xml.Linq;

namespace Monitor.Dashboard.Demo;

/// <summary>Bound from the <c>Demo</c> section. <c>--Demo:Enabled=true</c> turns the demo feed on.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    public bool Enabled { get; set; }

    /// <summary>A new demo statement appears this often.</summary>
    public int IntervalSeconds { get; set; } = 5;
}

/// <summary>
/// An RSS feed served by the dashboard itself, with statements written by this project, so a newcomer without
/// internet sees the whole pipeline move: it is polled over HTTP like any other source. Not real statements.
/// </summary>
public sealed class DemoFeed(DemoOptions options, TimeProvider time)
{
    public const string Path = "/demo/feed.xml";
    private const int ItemsInFeed = 20;

    private readonly DateTimeOffset _started = time.GetUtcNow();

    private static readonly (string Speaker, string Title, string Text)[] Statements =
    [
        ("NATO", "Secretary General: Allies will defend every inch of Allied territory", "Speaking at a press conference, the Secretary General said the commitment to Article 5 and collective defence is iron-clad, and that the Alliance remains a defensive alliance."),
        ("EP", "Parliament calls for a new package of sanctions on Russia", "Members called for further economic sanctions, an export ban on dual-use goods and stronger action against sanctions circumvention, and for an asset freeze on those responsible."),
        ("NATO", "Defence ministers agree to strengthen air defence for Ukraine", "Ministers agreed to deliver more air defence systems and ammunition to Ukraine and to sustain military support and training of Ukrainian forces through the winter."),
        ("EP", "MEPs condemn attacks on civilian infrastructure and call for humanitarian corridors", "The resolution condemns Russia's war of aggression, demands that Russia withdraw its forces, and calls for more humanitarian aid, medical supplies and support for refugees."),
        ("NATO", "Allies reinforce multinational battlegroups on the eastern flank", "Additional troops and fighter jets have been deployed to the battlegroups in Poland, the Baltic states and Romania as part of NATO's forward presence and deterrence posture."),
        ("EP", "EU and NATO step up cooperation against hybrid threats", "Parliament welcomed the joint declaration on EU-NATO cooperation and urged joint work on cyber defence, disinformation and the protection of critical undersea infrastructure."),
        ("NATO", "Statement on nuclear rhetoric", "Allies condemned irresponsible nuclear rhetoric and warned that any use of chemical, biological or nuclear weapons would have severe consequences."),
        ("EP", "Parliament backs Ukraine's path to membership", "Members reaffirmed support for Ukraine's sovereignty and territorial integrity within its internationally recognised borders and rejected the sham referendums in occupied regions."),
        ("NATO", "NATO-Ukraine Council meets at ambassador level", "The NATO-Ukraine Council discussed interoperability, defence reform and capacity building, and the next steps in the partnership."),
        ("EP", "Debate on defence spending and the European defence industry", "Members discussed raising defence budgets above 2% of GDP, joint procurement, and scaling up defence industrial production of ammunition."),
        ("NATO", "Secretary General welcomes talks with Asia-Pacific partners", "The Secretary General met the leaders of Australia, Japan, New Zealand and the Republic of Korea to discuss shared security challenges."),
        ("EP", "Support for Moldova and Georgia under Russian pressure", "Parliament called for more support to partners at risk, including Moldova, Georgia and Bosnia and Herzegovina, facing destabilisation and hybrid attacks."),
    ];

    public string Render()
    {
        var now = time.GetUtcNow();
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.IntervalSeconds));
        var latest = (int)((now - _started) / interval);
        XNamespace dc = "http://purl.org/dc/elements/1.1/";
        var items = Enumerable.Range(0, Math.Min(ItemsInFeed, latest + 1))
            .Select(offset => latest - offset)
            .Select(n =>
            {
                var (speaker, title, text) = Statements[n % Statements.Length];
                var published = _started + (interval * n);
                return new XElement("item",
                    new XElement("title", $"[Demo] {title}"),
                    new XElement("link", $"https://example.org/monitor-demo/{_started.ToUnixTimeSeconds()}/{n}"),
                    new XElement("guid", new XAttribute("isPermaLink", "false"), $"demo-{_started.ToUnixTimeSeconds()}-{n}"),
                    new XElement("pubDate", published.ToString("r", CultureInfo.InvariantCulture)),
                    new XElement(dc + "creator", speaker),
                    new XElement("description", $"{text} (Demo statement written by the Monitor project.)"));
            });
        var feed = new XDocument(new XElement("rss", new XAttribute("version", "2.0"), new XAttribute(XNamespace.Xmlns + "dc", dc),
            new XElement("channel",
                new XElement("title", "Monitor demo feed"),
                new XElement("link", "https://example.org/monitor-demo"),
                new XElement("description", "Statements written by the Monitor project so the dashboard moves without internet."),
                items)));
        return feed.Declaration + feed.ToString(SaveOptions.DisableFormatting);
    }
}
