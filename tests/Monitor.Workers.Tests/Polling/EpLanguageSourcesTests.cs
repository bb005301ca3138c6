using Monitor.Ingestion;

namespace Monitor.Workers.Tests.Polling;

/// <summary><c>Ingestion:EpLanguages</c>: the default EP RSS feeds in more languages, as sources of their own.</summary>
public class EpLanguageSourcesTests
{
    [Fact]
    public void No_language_adds_nothing_so_the_defaults_stay_as_they_are()
    {
        Assert.Equal(IngestionOptions.DefaultSources, new IngestionOptions().AllSources());
    }

    [Fact]
    public void Each_language_adds_every_default_ep_rss_feed_in_that_language_and_nothing_else()
    {
        var options = new IngestionOptions { EpLanguages = ["fr", " DE "] };

        var added = options.AllSources().Except(IngestionOptions.DefaultSources).ToList();

        var epRss = IngestionOptions.DefaultSources.Count(s => s.Adapter == "ep-rss");
        Assert.Equal(2 * epRss, added.Count);
        Assert.All(added, s => Assert.Equal("ep-rss", s.Adapter));
        var french = added.Single(s => s.Id == "ep-press-releases-fr");
        Assert.Equal("https://www.europarl.europa.eu/rss/doc/press-releases/fr.xml", french.Url);
        Assert.Equal("European Parliament: press releases (FR)", french.Name);
        Assert.Equal(300, french.PollIntervalSeconds);
        Assert.Equal("https://www.europarl.europa.eu/rss/doc/press-releases/de.xml", added.Single(s => s.Id == "ep-press-releases-de").Url);
        Assert.DoesNotContain(added, s => s.Id.StartsWith("nato", StringComparison.Ordinal) || s.Id.StartsWith("ep-api", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fra")]
    [InlineData("f1")]
    [InlineData("")]
    public void A_code_that_is_not_a_two_letter_language_other_than_english_is_refused_with_what_is_expected(string code)
    {
        Assert.False(IngestionOptions.IsEpLanguage(code));
        var error = Assert.Throws<ArgumentException>(() => new IngestionOptions { EpLanguages = [code] }.AllSources().ToList());
        Assert.Contains("is not a two-letter language code other than \"en\"", error.Message, StringComparison.Ordinal);
    }
}
