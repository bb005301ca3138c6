namespace Monitor.FeedSimulator;

/// <summary>The formats a simulated feed is served in: the shapes of the real NATO and European Parliament feeds.</summary>
public enum FeedShape
{
    /// <summary>RSS 2.0, like the European Parliament's <c>/rss/doc/&lt;name&gt;/en.xml</c> feeds.</summary>
    Rss,

    /// <summary>Atom 1.0.</summary>
    Atom,

    /// <summary>The NATO site search JSON: <c>{"pages":[{title, description, pageDate, pageType, link, ...}]}</c>.</summary>
    NatoJson,

    /// <summary>EP Open Data Portal v2 feed as Atom (<c>/api/v2/plenary-documents/feed</c>).</summary>
    EpApiAtom,

    /// <summary>EP Open Data Portal v2 feed as JSON-LD (<c>{"data":[...], "@context":[...]}</c>).</summary>
    EpApiJsonLd,
}

/// <summary>How a simulated feed misbehaves, in the ways real sites do. <see cref="None"/> serves the feed.</summary>
public enum FeedFault
{
    None,

    /// <summary>Answers properly, after <see cref="SimulatedFeed.Delay"/>.</summary>
    Slow,

    /// <summary>200 and headers at once, then one byte a second, forever.</summary>
    SlowLoris,

    /// <summary>HTTP 500 with a problem body.</summary>
    ServerError,

    /// <summary>HTTP 202 and an empty body, as europarl.europa.eu answers scripts.</summary>
    AcceptedEmpty,

    /// <summary>HTTP 204, as the EP Open Data Portal sometimes answers.</summary>
    NoContent,

    /// <summary>200 with a feed cut off in the middle of an element.</summary>
    MalformedXml,

    /// <summary>200 with an HTML page where the feed should be.</summary>
    HtmlPage,

    /// <summary>200 with a 50 MB body, streamed.</summary>
    HugeBody,

    /// <summary>302 to itself, forever.</summary>
    RedirectLoop,

    /// <summary>302 to a private address (<see cref="SimulatedFeed.RedirectTarget"/>, default http://10.0.0.1/feed.xml).</summary>
    RedirectToPrivate,

    /// <summary>200 with an error object in the body, as the EP Open Data Portal does.</summary>
    ErrorBody,
}
