using Monitor.Core.Text;

namespace Monitor.Core.Tests.Feeds;

/// <summary>The one sanitiser used for feed BodyHtml and article HTML.</summary>
public class SafeHtmlTests
{
    [Theory]
    [InlineData("<p>ok</p><script>alert(1)</script>", "<p>ok</p>")]
    [InlineData("<p onclick=\"x()\" style=\"color:red\">ok</p>", "<p>ok</p>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\"JaVaScRiPt&colon;alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "<img>")]
    [InlineData("<svg><script>alert(1)</script></svg>text", "text")]
    [InlineData("<iframe src=\"https://evil.example/\"></iframe><form action=\"/x\"><input name=\"p\"></form>", "")]
    [InlineData("<style>body{display:none}</style><b>bold</b>", "<b>bold</b>")]
    [InlineData("<a href=\"/en/topics/ukraine\">Ukraine</a>", "<a href=\"https://www.nato.int/en/topics/ukraine\">Ukraine</a>")]
    public void Dangerous_markup_is_removed_and_links_made_absolute(string html, string expected)
    {
        Assert.Equal(expected, SafeHtml.Sanitize(html, new Uri("https://www.nato.int/en/news/1")));
    }

    [Fact]
    public void Sanitising_from_many_threads_gives_the_same_result_as_one()
    {
        var inputs = Enumerable.Range(0, 200)
            .Select(i => $"<p onclick=\"x({i})\">Item {i}</p><script>s({i})</script><a href=\"/a/{i}\">link</a>")
            .ToArray();
        var baseUrl = new Uri("https://www.europarl.europa.eu/news/en/");
        var sequential = inputs.Select(h => SafeHtml.Sanitize(h, baseUrl)).ToArray();

        var parallel = new string[inputs.Length];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = SafeHtml.Sanitize(inputs[i], baseUrl));

        Assert.Equal(sequential, parallel);
        Assert.Equal("<p>Item 7</p><a href=\"https://www.europarl.europa.eu/a/7\">link</a>", sequential[7]);
    }
}
