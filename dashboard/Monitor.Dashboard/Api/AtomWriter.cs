using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;

namespace Monitor.Dashboard.Api;

/// <summary>
/// Writes a <see cref="SyndicationFeed"/> as an Atom 1.0 document: the alert feeds (<see cref="AlertFeedApi"/>) and the
/// statement feeds (<see cref="StatementFeedsApi"/>) share it. A feed without an author gets "Monitor", as Atom requires
/// an author on the feed when its entries have none (RFC 4287, 4.1.1).
/// </summary>
public static class AtomWriter
{
    public const string ContentType = "application/atom+xml; charset=utf-8";

    public static string Write(SyndicationFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (feed.Authors.Count == 0)
        {
            feed.Authors.Add(new SyndicationPerson { Name = "Monitor" });
        }

        var output = new StringBuilder();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            new Atom10FeedFormatter(feed).WriteTo(writer);
        }

        // StringBuilder output declares utf-16; the body is sent as UTF-8.
        return output.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }
}
