using System.Text;
using Monitor.Core.Feeds;

namespace Monitor.Core.Tests;

internal static class FixtureFiles
{
    public static string PathOf(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static IReadOnlyList<FeedItem> ParseFeedFixture(string name, string feedUrl)
    {
        using var stream = File.OpenRead(PathOf("feeds", name));
        return FeedParser.Parse(stream, new Uri(feedUrl));
    }

    public static IReadOnlyList<FeedItem> ParseXml(string xml, string feedUrl = "https://example.org/feeds/news.xml") =>
        ParseBytes(Encoding.UTF8.GetBytes(xml), feedUrl);

    public static IReadOnlyList<FeedItem> ParseBytes(byte[] bytes, string feedUrl = "https://example.org/feeds/news.xml")
    {
        using var stream = new MemoryStream(bytes);
        return FeedParser.Parse(stream, new Uri(feedUrl));
    }
}
