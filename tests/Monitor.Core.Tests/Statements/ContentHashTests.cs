using System.Security.Cryptography;
using System.Text;
using Monitor.Core.Statements;

namespace Monitor.Core.Tests.Statements;

public class ContentHashTests
{
    private const string Title = "NATO Secretary General welcomes Sweden's accession";
    private const string Summary = "Sweden became the 32nd Ally today.";
    private const string Body = "Today is a historic day. Sweden takes its rightful place at NATO's table.";

    [Fact]
    public void The_hash_is_lowercase_hex_sha_256()
    {
        Assert.Matches("^[0-9a-f]{64}$", ContentHash.Compute(Title, Summary, Body));
    }

    [Fact]
    public void The_hash_is_the_sha_256_of_the_length_prefixed_normalised_parts()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("1:a3:b c0:")));

        Assert.Equal(expected, ContentHash.Compute(" a ", "b\n\tc", ""));
    }

    [Fact]
    public void Reformatting_whitespace_does_not_change_the_hash()
    {
        var reformatted = ContentHash.Compute(
            "  NATO Secretary General\u00A0welcomes Sweden's accession\n",
            "Sweden became the 32nd Ally today.\r\n",
            "Today is a historic day.\n\n    Sweden takes its rightful place\tat NATO's table.  ");

        Assert.Equal(ContentHash.Compute(Title, Summary, Body), reformatted);
    }

    [Theory]
    [InlineData("NATO Secretary General welcomes Finland's accession", Summary, Body)]
    [InlineData(Title, "Sweden became the 32nd Ally today!", Body)]
    [InlineData(Title, Summary, "Today is a historic day. Sweden takes its place at NATO's table.")]
    [InlineData(Title, Summary, "today is a historic day. Sweden takes its rightful place at NATO's table.")]
    [InlineData(Title, Summary, "")]
    public void Any_change_of_wording_changes_the_hash(string title, string summary, string body)
    {
        Assert.NotEqual(ContentHash.Compute(Title, Summary, Body), ContentHash.Compute(title, summary, body));
    }

    [Fact]
    public void Text_moved_from_one_field_to_another_changes_the_hash()
    {
        Assert.NotEqual(ContentHash.Compute("a b", "c", ""), ContentHash.Compute("a", "b c", ""));
    }

    [Fact]
    public void Empty_parts_give_a_stable_hash()
    {
        Assert.Equal(ContentHash.Compute("", "", ""), ContentHash.Compute(" ", "\n", "\t"));
    }
}
