using Monitor.Contracts;
using Monitor.Core.Tagging;

namespace Monitor.Core.Tests.Tagging;

/// <summary>Stated baseline figures, drift, and the look-alikes that must not be taken for them.</summary>
public class TaggingFigureTests
{
    private static readonly Tagger Baseline = new(TopicFile.LoadDefault());

    private static IReadOnlyList<FigureValue> Figures(string text, string title = "") => Baseline.Analyse(title, text).Figures;

    [Theory]
    [InlineData("There are 40 000 troops under direct NATO command.")]
    [InlineData("There are 40,000 troops under direct NATO command.")]
    [InlineData("There are 40\u00a0000 troops under direct NATO command.")]
    [InlineData("There are forty thousand troops under direct NATO command.")]
    [InlineData("There are 40 thousand troops under direct NATO command.")]
    public void Every_way_of_writing_forty_thousand_is_the_baseline_value(string text)
    {
        var figure = Assert.Single(Figures(text));

        Assert.Equal("troops-under-nato-command-east", figure.FigureId);
        Assert.Equal(40_000, figure.Value);
        Assert.False(figure.Drift);
        Assert.Equal("body", figure.Field);
        Assert.Equal(text[figure.Start..].Split(" under")[0], figure.Evidence.Split(" under")[0]);
        Assert.StartsWith(figure.Evidence, text[figure.Start..], StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_value_is_drift_with_its_evidence_and_offset()
    {
        const string text = "With Sweden, NATO now has 32 Allies and eleven multinational battlegroups.";

        var figures = Figures(text);

        var allies = Assert.Single(figures, f => f.FigureId == "allies-count");
        Assert.Equal((32d, 30d, true, "32 Allies"), (allies.Value, allies.Baseline, allies.Drift, allies.Evidence));
        Assert.Equal("32 Allies", text.Substring(allies.Start, allies.Evidence.Length));
        var battlegroups = Assert.Single(figures, f => f.FigureId == "battlegroups-count");
        Assert.Equal((11d, 8d, true), (battlegroups.Value, battlegroups.Baseline, battlegroups.Drift));
    }

    [Fact]
    public void Additional_us_troops_are_not_us_troops_in_europe()
    {
        var figures = Figures("Since February, 20 000 more US soldiers arrived, so 100 000 US troops are now stationed in Europe.");

        Assert.Equal(
            [("additional-us-troops", 20_000d), ("us-troops-europe", 100_000d)],
            figures.Select(f => (f.FigureId, f.Value)).Order());
    }

    [Theory]
    [InlineData("Sweden will become the 32nd Ally.")]
    [InlineData("Sweden will be the thirty-second Ally.")]
    [InlineData("Once Sweden joins there will be 32 Allies.")]
    [InlineData("Russia has massed 190 000 troops under its command on the eastern flank.")]
    [InlineData("Russian forces moved 100 000 troops and 300 jets in the region.")]
    [InlineData("More than 40 000 people evacuated as 12 000 troops under NATO command arrived in Russian-occupied areas.")]
    [InlineData("In 1949, 12 Allies signed the Washington Treaty.")]
    [InlineData("All 27 member states backed the 50 billion euro facility.")]
    [InlineData("Coastal states watch 300 ships of the shadow fleet in the Baltic Sea.")]
    [InlineData("23 Allies meet the 2% guideline.")]
    [InlineData("NATO will spend 40 billion on 130 jets.")]
    public void Look_alikes_are_not_figures(string text)
    {
        Assert.Empty(Figures(text));
    }

    [Fact]
    public void A_figure_is_reported_once_per_value()
    {
        var figures = Figures("NATO has 32 Allies. All 32 Allies agreed.", "NATO has 32 Allies");

        Assert.Single(figures);
        Assert.Equal("title", figures[0].Field);
    }
}
