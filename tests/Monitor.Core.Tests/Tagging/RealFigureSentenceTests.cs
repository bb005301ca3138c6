using Monitor.Core.Tagging;

namespace Monitor.Core.Tests.Tagging;

/// <summary>
/// Every figure rule on a real sentence of the corpus's train split (the item id says which; none from the test split):
/// values, accession ordinals, years, prospective and other counts.
/// </summary>
public class RealFigureSentenceTests
{
    private static readonly Tagger Rules = new(TopicFile.LoadDefault());

    [Theory]
    // A stated count of Allies (nato-193).
    [InlineData("Ukraine has strong backing from 31 NATO Allies and many partners.", "allies-count", 31)]
    // An accession ordinal states the new count (nato-227).
    [InlineData("Supreme Headquarters Allied Powers Europe (SHAPE) welcomed NATO\u2019s 32nd member as military personnel raised Sweden\u2019s flag during an official ceremony at the main headquarters, March 11, 2024.", "allies-count", 32)]
    // Troops under NATO command in the east, with and without "direct" (nato-149, nato-084).
    [InlineData("Putting 40,000 troops under NATO command in the eastern part of the Alliance.", "troops-under-nato-command-east", 40000)]
    [InlineData("Right now, we have over 40,000 troops under direct NATO command, mostly in the eastern part of the Alliance, and many more on high alert.", "troops-under-nato-command-east", 40000)]
    // A count of battlegroups in words (nato-200), and the four of August 2021 (nato-023).
    [InlineData("You host, as you\u2019ve seen today, successfully one of NATO\u2019s eight multinational battlegroups, stretching from the Baltic to the Black Sea.", "battlegroups-count", 8)]
    [InlineData("NATO has enhanced its presence in the eastern part of the Alliance, with four multinational Battlegroups that have been deployed to Estonia, Latvia, Lithuania and Poland.", "battlegroups-count", 4)]
    // Allies counted as nations, democracies or chiefs of defence, in a sentence about NATO (nato-025, nato-170, nato-045).
    [InlineData("Nowadays, the people in our countries have something that is even more powerful than that: a political and military alliance of 30 nations.", "allies-count", 30)]
    [InlineData("In NATO, you are part of a family of 31 democracies from Europe and North America.", "allies-count", 31)]
    [InlineData("A little while ago, I concluded the first of our regular meetings, this year, with the 30 NATO Chiefs of Defence and, SACEUR and SACT attending.", "allies-count", 30)]
    // A change states its new value: "the number of <unit> ... to N" (nato-040, nato-149), and "from X to N <unit>" after
    // a year that dates the start (nato-226).
    [InlineData("We doubled the number of battlegroups in the eastern part of the Alliance from four to eight, and now we have increased our ability to reinforce them up to brigade level.", "battlegroups-count", 8)]
    [InlineData("And doubling the number of battlegroups from four to eight.", "battlegroups-count", 8)]
    [InlineData("Since 1949, NATO\u2019s membership has increased from 12 to 32 countries through 10 rounds of enlargement.", "allies-count", 32)]
    // Forces rather than troops under NATO command (nato-066).
    [InlineData("And 40,000 forces under direct NATO command, mostly in the eastern part of the alliance.", "troops-under-nato-command-east", 40000)]
    public void A_stated_value_is_read(string sentence, string figure, double value)
    {
        var found = Rules.Analyse("", sentence).Figures;

        var read = Assert.Single(found);
        Assert.Equal((figure, value), (read.FigureId, read.Value));
    }

    [Theory]
    // A year before "NATO Allies" is a date, not 2024 Allies (nato-261), nor 2015 (nato-007).
    [InlineData("In 2024, NATO Allies in Europe and Canada invested 485 billion US dollars in defence, a nearly 20% increase compared with 2023.")]
    [InlineData("Since adopting an Alliance strategy on countering hybrid warfare in 2015, Allies have consistently broadened NATO\u2019s toolbox to respond to these threats.")]
    // Before Sweden's accession: an ordinal still hoped for (nato-135), and a count that "will" be (nato-097).
    [InlineData("The time has come to welcome Sweden as our thirty-second NATO Ally.")]
    [InlineData("With 32 nations around the table, we will be even stronger.")]
    // Not a count of Allies: the other Allies of the United States (nato-239).
    [InlineData("31 friends and Allies, which help to advance U.S. interests.")]
    // Fewer Allies than NATO has had since 2020: a subset taking part in something (nato-080, nato-206, nato-123).
    [InlineData("As we speak, our exercise BALTOPS is underway. With over 7,000 forces from 14 NATO Allies, and Finland and Sweden.")]
    [InlineData("Germany added 8 billion extra for military support to Ukraine; twenty Allies have established a coalition for air defence.")]
    [InlineData("During the exercise, some 1,000 cyber defenders from 26 Allies, Finland, Georgia, Ireland, Japan, Sweden and Switzerland took part.")]
    public void A_date_a_prospect_or_another_count_is_not_read(string sentence)
    {
        Assert.Empty(Rules.Analyse("", sentence).Figures);
    }
}
