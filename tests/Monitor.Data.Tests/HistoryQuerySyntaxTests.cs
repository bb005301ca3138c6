using Monitor.Core.Search;
using Monitor.Data.History;

namespace Monitor.Data.Tests;

/// <summary>The user's query syntax, parsed once and rendered for each store; no query text reaches SQL unparsed.</summary>
public sealed class HistoryQuerySyntaxTests
{
    [Theory]
    [InlineData("sanctions", "'sanctions'", "\"sanctions\"")]
    [InlineData("Sanction*", "'sanction':*", "\"sanction\"*")]
    [InlineData("\"air defence\"", "('air' <-> 'defence')", "\"air defence\"")]
    [InlineData("\"air def\"*", "('air' <-> 'def':*)", "\"air def\"*")]
    [InlineData("nato ukraine", "('nato' & 'ukraine')", "((\"nato\" AND \"ukraine\"))")]
    [InlineData("nato AND ukraine OR crimea", "(('nato' & 'ukraine') | 'crimea')", "(((\"nato\" AND \"ukraine\")) OR \"crimea\")")]
    [InlineData("nato -exercise", "('nato' & !'exercise')", "((\"nato\") NOT \"exercise\")")]
    [InlineData("nato NOT (exercise OR drill)", "('nato' & !('exercise' | 'drill'))", "((\"nato\") NOT (\"exercise\" OR \"drill\"))")]
    [InlineData("F-35", "('f' <-> '35')", "\"f 35\"")]
    [InlineData("NATO's", "('nato' <-> 's')", "\"nato s\"")]
    [InlineData("x';DROP TABLE statements--x", "(('x' & 'drop' & 'table') & ...)", "")]
    public void Parses_and_renders_for_both_stores(string query, string tsquery, string fts5)
    {
        var parsed = TextQuery.Parse(query);

        if (fts5.Length == 0)
        {
            // Injection attempts are just words: only letters and digits survive into either rendering.
            Assert.DoesNotContain(";", parsed.ToTsQuery(), StringComparison.Ordinal);
            Assert.DoesNotContain(";", parsed.ToFts5(), StringComparison.Ordinal);
            return;
        }

        Assert.Equal(tsquery, parsed.ToTsQuery());
        Assert.Equal(fts5, parsed.ToFts5());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("\"air defence", "no closing quote")]
    [InlineData("(nato", "not closed")]
    [InlineData("nato)", "no matching '('")]
    [InlineData("nato AND", "ends where a word was expected")]
    [InlineData("OR nato", "Expected a word")]
    [InlineData("-nato", "only excludes words")]
    [InlineData("NOT nato NOT ukraine", "only excludes words")]
    [InlineData("nato OR -ukraine", "NOT needs a word beside it")]
    [InlineData("na*to", "'*' may only end a word")]
    [InlineData("***", "no letters or digits")]
    [InlineData("\"\"", "has no words")]
    public void Rejects_malformed_queries_with_a_message_saying_what_is_wrong(string query, string message)
    {
        var ex = Assert.Throws<QuerySyntaxException>(() => TextQuery.Parse(query));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_overlong_and_overdeep_queries()
    {
        Assert.Throws<QuerySyntaxException>(() => TextQuery.Parse(new string('a', TextQuery.MaxLength + 1)));
        Assert.Throws<QuerySyntaxException>(() => TextQuery.Parse(string.Join(' ', Enumerable.Repeat("nato", TextQuery.MaxTerms + 1))));
        Assert.Throws<QuerySyntaxException>(() => TextQuery.Parse(new string('(', 40) + "nato" + new string(')', 40)));
    }

    [Fact]
    public void A_cursor_round_trips_and_a_forged_or_foreign_one_is_refused()
    {
        var cursor = new HistoryCursor(HistorySort.Relevance, 0.0607927106320858, 42);

        Assert.Equal(cursor, HistoryCursor.Decode(cursor.Encode(), HistorySort.Relevance));
        Assert.Throws<FormatException>(() => HistoryCursor.Decode(cursor.Encode(), HistorySort.Date));
        Assert.Throws<FormatException>(() => HistoryCursor.Decode("not a cursor!", HistorySort.Date));
        Assert.Throws<FormatException>(() => HistoryCursor.Decode("eDp5Onp6", HistorySort.Date));
    }
}
