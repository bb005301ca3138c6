using Monitor.Core.Feeds;

namespace Monitor.Core.Tests.Feeds;

/// <summary>ArticleExtractor over the article pages in Fixtures/pages (synthetic, see its README).</summary>
public class ArticleExtractorTests
{
    private static ArticleContent? Extract(string page, string url) =>
        ArticleExtractor.Extract(File.ReadAllText(FixtureFiles.PathOf("pages", page)), new Uri(url));

    [Fact]
    public void Nato_article_text_is_the_rich_text_blocks_without_page_chrome()
    {
        var article = Extract("nato_speech.html", "https://www.nato.int/en/news-and-events/events/transcripts/2026/10/01/speech");

        Assert.NotNull(article);
        Assert.Equal(
            "Thank you so much, and good evening. It is an honour to receive this award in Münster. Allies have agreed "
            + "to invest 5% of GDP in defence and security by 2035. Our support for Ukraine remains unwavering. Read more",
            article.Text);
    }

    [Fact]
    public void Nato_article_html_is_sanitised_and_its_links_absolute()
    {
        var html = Extract("nato_speech.html", "https://www.nato.int/en/news-and-events/events/transcripts/2026/10/01/speech")!.Html;

        Assert.Contains("<strong>5% of GDP</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://www.nato.int/en/topics/ukraine\">remains unwavering</a>", html, StringComparison.Ordinal);
        foreach (var banned in new[] { "<script", "track(", "onclick", "onmouseover", "javascript:", "cookies", "Related:", "© NATO" })
        {
            Assert.DoesNotContain(banned, html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Ep_press_release_gives_facts_lead_and_text_in_page_order()
    {
        var article = Extract("ep_press_release.html", "https://www.europarl.europa.eu/news/en/press-room/20260716IPR46531/");

        Assert.NotNull(article);
        Assert.Equal(
            "First committee visit to China since 2018 Meetings on trade and human rights A delegation of the Foreign "
            + "Affairs Committee will travel to Beijing from 20 to 23 July. MEPs will discuss the war in Ukraine, trade "
            + "defence and the situation of human rights with Chinese officials. The delegation will be led by the committee chair.",
            article.Text);
        Assert.DoesNotContain("Contacts", article.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror", article.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<iframe", article.Html, StringComparison.Ordinal);
        Assert.Contains("<img src=\"https://www.europarl.europa.eu/x.png\">", article.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Doceo_text_adopted_gives_the_document_paragraphs()
    {
        var article = Extract("doceo_text_adopted.html", "https://www.europarl.europa.eu/doceo/document/TA-9-2024-0104_EN.html");

        Assert.NotNull(article);
        Assert.StartsWith("Implementation of the common foreign and security policy – annual report 2023 European Parliament resolution of 28 February 2024", article.Text, StringComparison.Ordinal);
        Assert.EndsWith("strengthen the European defence industrial base;", article.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Legal notice", article.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Plenary - Texts adopted", article.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("P9_TA(2024)0104", article.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Doceo_verbatim_report_gives_only_the_speech_paragraphs()
    {
        const string page = """
            <html><body><p class="doc_title">Verbatim report of proceedings</p>
            <p class="contents">Mr President, European defence must be financed now, not in ten years.</p>
            <p class="contents">We owe Ukraine more than words.</p><p>Last updated: 7 October 2026</p></body></html>
            """;

        var article = ArticleExtractor.Extract(page, new Uri("https://www.europarl.europa.eu/doceo/document/CRE-10-2026-10-06-ITM-003_EN.html"));

        Assert.Equal("Mr President, European defence must be financed now, not in ten years. We owe Ukraine more than words.", article?.Text);
    }

    [Theory]
    [InlineData("nato_no_body.html", "https://www.nato.int/en/missing")]
    [InlineData("nato_speech.html", "https://www.example.org/copied-speech")]
    [InlineData("doceo_text_adopted.html", "https://www.europarl.europa.eu/plenary/en/texts-adopted.html")]
    public void Pages_without_a_recognised_body_give_null(string page, string url)
    {
        Assert.Null(Extract(page, url));
    }

    [Fact]
    public void Empty_and_garbage_pages_give_null()
    {
        var url = new Uri("https://www.nato.int/en/x");

        Assert.Null(ArticleExtractor.Extract("", url));
        Assert.Null(ArticleExtractor.Extract("\0\u0001<<<>>>&&&", url));
        Assert.Null(ArticleExtractor.Extract("<div class=\"ca04-rich-text\"><p>Short.</p></div>", url));
    }
}
