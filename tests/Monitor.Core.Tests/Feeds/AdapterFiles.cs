using System.Text;
using Monitor.Core.Feeds;

namespace Monitor.Core.Tests.Feeds;

/// <summary>Runs fixture files and inline payloads through <see cref="FeedAdapters.Parse"/>, the entry point Ingestion uses.</summary>
internal static class AdapterFiles
{
    public static byte[] Bytes(string folder, string name) => File.ReadAllBytes(FixtureFiles.PathOf(folder, name));

    public static IReadOnlyList<FeedItem> ParseFile(string adapter, string folder, string name, string feedUrl) =>
        ParseBytes(adapter, Bytes(folder, name), feedUrl);

    public static IReadOnlyList<FeedItem> ParseText(string adapter, string text, string feedUrl) =>
        ParseBytes(adapter, Encoding.UTF8.GetBytes(text), feedUrl);

    public static IReadOnlyList<FeedItem> ParseBytes(string adapter, byte[] bytes, string feedUrl)
    {
        using var stream = new MemoryStream(bytes);
        return FeedAdapters.Parse(adapter, stream, new Uri(feedUrl));
    }
}
