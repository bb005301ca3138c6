using Monitor.Contracts;
using Monitor.Core.Feeds;
using Monitor.Core.Statements;
using static Monitor.Core.Tests.Feeds.AdapterFiles;

namespace Monitor.Core.Tests.Feeds;

/// <summary>
/// The language versions of one EP press release, as the per-language feeds list them (Fixtures/languages): each
/// version keeps its own language, and every version names the same document, so Persistence can join them.
/// </summary>
public class EpLanguageVersionTests
{
    private static IReadOnlyList<FeedItem> Feed(string language) =>
        ParseFile(FeedAdapters.EpRss, "languages", $"press-releases-{language}.xml", $"https://www.europarl.europa.eu/rss/doc/press-releases/{language}.xml");

    [Fact]
    public void Every_language_version_of_a_press_release_has_the_same_id_and_reference_and_its_own_language()
    {
        var versions = new[] { "en", "fr", "de" }
            .Select(language => Feed(language).Single(i => i.ExternalId == "20260716IPR46531"))
            .ToList();

        Assert.All(versions, v => Assert.Equal("20260716IPR46531", v.DocumentReference));
        Assert.All(versions, v => Assert.Equal(DocumentTypes.PressRelease, v.DocumentType));
        Assert.Equal(["en", "fr", "de"], versions.Select(v => v.Language));
        Assert.Equal(
            [
                "https://www.europarl.europa.eu/news/en/press-room/20260716IPR46531/",
                "https://www.europarl.europa.eu/news/fr/press-room/20260716IPR46531/",
                "https://www.europarl.europa.eu/news/de/press-room/20260716IPR46531/",
            ],
            versions.Select(v => v.Url));
        Assert.StartsWith("Communiqué de presse - Relations UE-Chine", versions[1].Title, StringComparison.Ordinal);
        Assert.Equal([true, false, false], versions.Select(v => StatementLanguage.IsTagged(v.Language)));
    }

    [Fact]
    public void An_untranslated_item_in_a_language_feed_is_english_whatever_the_feed_says()
    {
        var item = Feed("fr").Single(i => i.ExternalId == "20261202IPR50001");

        // The feed is <language>FR</language> and labels it "Communiqué de presse"; the guid and link say English.
        Assert.Equal("en", item.Language);
        Assert.Equal(DocumentTypes.PressRelease, item.DocumentType);
        Assert.True(StatementLanguage.IsTagged(item.Language));
    }

    [Fact]
    public void The_language_comes_from_the_link_when_the_guid_has_no_suffix()
    {
        const string Xml = """
            <rss version="2.0"><channel><language>EN</language>
              <item><title>Communiqué de presse - Moldavie</title>
                <link>https://www.europarl.europa.eu/news/fr/press-room/20261204IPR50230/moldavie</link>
                <pubDate>Fri, 04 Dec 2026 10:05:00 GMT</pubDate></item>
            </channel></rss>
            """;

        var item = Assert.Single(ParseText(FeedAdapters.EpRss, Xml, "https://www.europarl.europa.eu/rss/doc/press-releases/en.xml"));

        Assert.Equal("fr", item.Language);
        Assert.Equal("20261204IPR50230", item.ExternalId);
        Assert.Equal("20261204IPR50230", item.DocumentReference);
    }

    [Fact]
    public void Other_ep_items_are_one_document_across_languages_by_their_guid_without_its_suffix()
    {
        static string Item(string lang) => $"""
            <rss version="2.0"><channel><language>{lang.ToUpperInvariant()}</language>
              <item><title>Top story</title><link>https://www.europarl.europa.eu/news/{lang}/headlines/priorities/soteu2021</link>
                <guid isPermaLink="false">TST_TST-2021-09-09-11812_{lang.ToUpperInvariant()}</guid></item>
            </channel></rss>
            """;

        var english = Assert.Single(ParseText(FeedAdapters.EpRss, Item("en"), "https://www.europarl.europa.eu/rss/doc/top-stories/en.xml"));
        var polish = Assert.Single(ParseText(FeedAdapters.EpRss, Item("pl"), "https://www.europarl.europa.eu/rss/doc/top-stories/pl.xml"));

        Assert.Equal("TST_TST-2021-09-09-11812", english.DocumentReference);
        Assert.Equal(english.DocumentReference, polish.DocumentReference);
        Assert.Equal(("en", "pl"), (english.Language, polish.Language));
    }

    [Theory]
    [InlineData("en", "en", true)]
    [InlineData("EN-gb", "en", true)]
    [InlineData(null, null, true)]
    [InlineData(" ", null, true)]
    [InlineData("fr", "fr", false)]
    [InlineData("fr-BE", "fr", false)]
    [InlineData("pt_PT", "pt", false)]
    public void Only_english_or_unsaid_text_is_tagged(string? language, string? normalised, bool tagged)
    {
        Assert.Equal(normalised, StatementLanguage.Normalise(language));
        Assert.Equal(tagged, StatementLanguage.IsTagged(language));
    }
}
