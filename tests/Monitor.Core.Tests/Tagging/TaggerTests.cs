using System.Text.Json.Nodes;
using Monitor.Contracts;
using Monitor.Core.Tagging;
using static Monitor.Core.Tests.FixtureFiles;

namespace Monitor.Core.Tests.Tagging;

public class TaggerTests
{
    private static readonly Tagger Baseline = new(TopicFile.LoadDefault());

    private static string[] TopicIds(IReadOnlyList<TopicScore> scores) => [.. scores.Select(s => s.TopicId)];

    private static string[] Terms(TopicScore score) => [.. score.Evidence.Select(e => e.Term).Distinct()];

    [Fact]
    public void A_north_atlantic_council_condemnation_tags_condemnation_and_withdrawal_first()
    {
        var scores = Baseline.Tag(
            "Statement by the North Atlantic Council on Russia's attack on Ukraine",
            "We condemn in the strongest possible terms Russia's full-scale invasion of Ukraine, which is entirely "
            + "unjustified and unprovoked. We call on Russia to immediately cease hostilities and withdraw all its "
            + "forces from Ukraine, and to engage in genuine diplomacy.");

        Assert.Equal("condemnation-withdrawal", scores[0].TopicId);
        Assert.True(scores[0].Score > 0.9, $"score {scores[0].Score}");
        Assert.Contains("in the strongest possible terms", Terms(scores[0]));
        Assert.Contains("cease hostilities", Terms(scores[0]));
        Assert.Contains("withdraw all its forces", Terms(scores[0]));
        Assert.DoesNotContain("sanctions", TopicIds(scores));
        Assert.DoesNotContain("asia-pacific-partners", TopicIds(scores));
    }

    [Fact]
    public void A_no_fly_zone_refusal_tags_no_direct_involvement_and_not_the_eastern_flank()
    {
        var scores = Baseline.Tag(
            "Press conference by NATO Secretary General following the extraordinary meeting of Foreign Ministers",
            "NATO is not part of the conflict. We are a defensive alliance. We will not deploy forces to Ukraine, "
            + "and we will not impose a NO-FLY ZONE over Ukraine, because that would lead to a direct confrontation.");

        Assert.Equal(["no-direct-involvement"], TopicIds(scores));
        Assert.Contains("no-fly zone", Terms(scores[0]));
        Assert.Contains("not deploy forces to Ukraine", Terms(scores[0]));
    }

    [Fact]
    public void Military_support_statements_tag_weapons_and_military_aid()
    {
        var scores = Baseline.Tag(
            "Allies step up military support to Ukraine",
            "Allies will continue to provide Ukraine with air defence, artillery ammunition and the training of "
            + "Ukrainian forces through NSATU, and to fund US weapons through PURL.");

        Assert.Equal("weapons-military-aid", scores[0].TopicId);
        Assert.Contains("military support to Ukraine", Terms(scores[0]));
        Assert.Contains("NSATU", Terms(scores[0]));
        Assert.DoesNotContain("humanitarian-aid", TopicIds(scores));
    }

    [Fact]
    public void A_parliament_resolution_on_a_sanctions_package_tags_sanctions()
    {
        var scores = Baseline.Tag(
            "Russia: MEPs call for a swift 20th sanctions package",
            "Parliament welcomes the latest package of sanctions against Russia and calls for tougher action against "
            + "the shadow fleet and the circumvention of restrictive measures through third countries.");

        Assert.Equal("sanctions", scores[0].TopicId);
        Assert.Contains("sanctions package", Terms(scores[0]));
        Assert.Contains("shadow fleet", Terms(scores[0]));
    }

    [Fact]
    public void Iron_clad_article_5_language_tags_collective_defence()
    {
        var scores = Baseline.Tag(
            "Secretary General: NATO will defend every inch of Allied territory",
            "Our commitment to Article 5 is iron-clad. An attack on one Ally is an attack on all, and our collective "
            + "defence remains the bedrock of the Alliance.");

        Assert.Equal("collective-defence", scores[0].TopicId);
        Assert.Equal(["every inch of Allied territory", "Article 5", "iron-clad", "attack on one Ally", "collective defence"],
            Terms(scores[0]));
    }

    [Fact]
    public void Swedens_accession_tags_open_door_and_enlargement()
    {
        var scores = Baseline.Tag(
            "NATO Secretary General welcomes Sweden's accession as the 32nd Ally",
            "Sweden's accession shows that NATO's door remains open; the open door policy is a success.");

        Assert.Equal("open-door-enlargement", scores[0].TopicId);
    }

    [Fact]
    public void Annexation_and_sham_referendums_tag_territorial_integrity()
    {
        var scores = Baseline.Tag(
            "NATO Allies reject Russia's sham referendums",
            "We will never recognise Russia's illegal annexation of Crimea or of the occupied regions of Donetsk, "
            + "Luhansk, Zaporizhzhia and Kherson. We reaffirm Ukraine's sovereignty and territorial integrity.");

        Assert.Equal("territorial-integrity", scores[0].TopicId);
    }

    [Fact]
    public void Nuclear_sabre_rattling_tags_nuclear_threats_but_nuclear_energy_does_not()
    {
        var threat = Baseline.Tag(
            "NATO warns Russia",
            "Russia must stop its nuclear sabre-rattling; any use of chemical or biological weapons would have "
            + "far-reaching consequences.");
        var energy = Baseline.Tag(
            "ITRE: nuclear energy and the nuclear power plants of the Union",
            "The committee discussed nuclear energy, nuclear safety and nuclear fuel supply chains.");

        Assert.Equal("nuclear-chemical-threats", threat[0].TopicId);
        Assert.DoesNotContain("weapons-military-aid", TopicIds(threat));
        Assert.Empty(energy);
    }

    [Fact]
    public void Nuclear_deterrence_does_not_count_as_eastern_flank_deterrence()
    {
        var scores = Baseline.Tag(
            "Nuclear Planning Group meets",
            "Ministers reviewed NATO's nuclear deterrence and the effectiveness of the nuclear deterrent.");

        Assert.Equal(["nuclear-chemical-threats"], TopicIds(scores));
    }

    [Fact]
    public void Eastern_flank_reinforcement_tags_deterrence_and_defence()
    {
        var scores = Baseline.Tag(
            "NATO boosts its presence on the eastern flank",
            "Allies will double the multinational battlegroups, with new battlegroups in Bulgaria, Hungary, Romania "
            + "and Slovakia, and place more troops under NATO command.");

        Assert.Equal("deterrence-eastern-flank", scores[0].TopicId);
    }

    [Fact]
    public void A_defence_spending_resolution_tags_defence_spending()
    {
        var scores = Baseline.Tag(
            "MEPs want Member States to spend 3.5% of GDP on defence",
            "Parliament calls for higher defence budgets, joint procurement and a stronger European defence industry.");

        Assert.Equal("defence-spending", scores[0].TopicId);
        Assert.Contains("3.5% of GDP", Terms(scores[0]));
        Assert.DoesNotContain("5% of GDP", Terms(scores[0]));
    }

    [Fact]
    public void Eu_nato_and_asia_pacific_statements_tag_their_topics()
    {
        var euNato = Baseline.Tag(
            "Third joint declaration on EU-NATO cooperation",
            "The EU and NATO will deepen their strategic partnership and strengthen the European pillar.");
        var asiaPacific = Baseline.Tag(
            "NATO leaders meet Indo-Pacific partners",
            "The Secretary General met the leaders of Australia, Japan, New Zealand and the Republic of Korea.");

        Assert.Equal("eu-nato-cooperation", euNato[0].TopicId);
        Assert.Equal("asia-pacific-partners", asiaPacific[0].TopicId);
    }

    [Fact]
    public void North_korea_is_not_an_asia_pacific_partner()
    {
        var scores = Baseline.Tag(
            "Troops of the Democratic People's Republic of Korea in Russia",
            "The Democratic People's Republic of Korea has sent troops and munitions to Russia.");

        Assert.DoesNotContain("asia-pacific-partners", TopicIds(scores));
    }

    [Fact]
    public void Hybrid_attacks_and_disinformation_tag_cyber_hybrid_but_hybrid_cars_do_not()
    {
        var hybrid = Baseline.Tag(
            "Allies condemn Russian hybrid attacks",
            "Sabotage of undersea cables, cyberattacks and disinformation campaigns target our societies.");
        var cars = Baseline.Tag("CO2 standards for plug-in hybrid cars", "Hybrid cars and hybrid vehicles emit less.");

        Assert.Equal("cyber-hybrid-disinformation", hybrid[0].TopicId);
        Assert.Empty(cars);
    }

    [Fact]
    public void A_legislative_article_5_is_not_nato_article_5()
    {
        var scores = Baseline.Tag(
            "Amendment to Article 5 of the Regulation on passenger name records",
            "Article 5(1) of Regulation (EU) 2016/681 is replaced; Article 50 TEU procedures are unaffected.");
        var aiAct = Baseline.Tag(
            "Artificial Intelligence Act: MEPs adopt landmark law",
            "The regulation bans certain AI applications; Article 5 lists the prohibited practices.");

        Assert.DoesNotContain("collective-defence", TopicIds(scores));
        Assert.Empty(aiAct);
    }

    [Fact]
    public void Real_ep_feed_items_about_other_matters_get_no_topics()
    {
        var items = ParseFeedFixture("ep_api_v2_plenary-documents_feed.atom.xml", "https://data.europarl.europa.eu/api/v2/plenary-documents/feed")
            .Concat(ParseFeedFixture("ep_rss_items_2026_snippets.xml", "https://www.europarl.europa.eu/rss/doc/plenary/nl.xml"))
            .Concat(ParseFeedFixture("ep_rss_top-stories_en_2021.xml", "https://www.europarl.europa.eu/rss/doc/top-stories/en.xml"))
            .ToList();

        Assert.Equal(12, items.Count);
        Assert.All(items, item => Assert.Empty(Baseline.Tag(item.Title, $"{item.Summary} {item.Body}")));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("   ", "\n\t")]
    [InlineData("", "The weather in Brussels was pleasant on Tuesday.")]
    public void Empty_or_unrelated_text_gets_no_topics(string title, string text)
    {
        Assert.Empty(Baseline.Tag(title, text));
    }

    [Fact]
    public void Scores_are_between_zero_and_one_and_ordered_highest_first()
    {
        var scores = Baseline.Tag(
            "NATO summit: sanctions, air defence and the eastern flank",
            "Allies agreed new sanctions against Russia, more air defence and ammunition for Ukraine, and more "
            + "battlegroups on the eastern flank. They condemned Russia's war of aggression.");

        Assert.True(scores.Count >= 3);
        Assert.All(scores, s => Assert.InRange(s.Score, 0.0, 1.0));
        Assert.Equal(scores.OrderByDescending(s => s.Score).Select(s => s.TopicId), scores.Select(s => s.TopicId));
    }

    [Fact]
    public void The_baseline_version_is_the_topic_file_version()
    {
        Assert.Equal(TopicFile.LoadDefault().Version, Baseline.BaselineVersion);
    }

    // Rules below are checked on a small topic file of our own, so the arithmetic is visible.

    [Theory]
    [InlineData("We really appreciate it")]
    [InlineData("Allied forces and allies")]
    [InlineData("Rallying behind Italy")]
    public void A_term_never_matches_inside_another_word(string text)
    {
        var tagger = TaggerWith("ally:3");

        Assert.Empty(tagger.Tag("", text));
    }

    [Theory]
    [InlineData("Each ally will contribute.")]
    [InlineData("Each ALLY will contribute.")]
    [InlineData("Each Ally, large or small, will contribute.")]
    public void A_term_matches_as_a_whole_word_in_any_case(string text)
    {
        var score = Assert.Single(TaggerWith("ally:3").Tag("", text));

        Assert.Equal(["ally"], Terms(score));
    }

    [Theory]
    [InlineData("Sécurité", "La SECURITE européenne")]
    [InlineData("securite", "La sécurité européenne")]
    [InlineData("no-fly zone", "a No Fly Zone over Ukraine")]
    [InlineData("NATO's open door", "NATO’s open-door")]
    public void Matching_ignores_case_diacritics_and_punctuation(string term, string text)
    {
        Assert.Single(TaggerWith($"{term}:3").Tag("", text));
    }

    [Fact]
    public void A_term_in_the_title_weighs_more_than_in_the_text()
    {
        var tagger = TaggerWith("shadow fleet:3");

        var inTitle = Assert.Single(tagger.Tag("Shadow fleet", "")).Score;
        var inText = Assert.Single(tagger.Tag("", "Shadow fleet")).Score;

        Assert.True(inTitle > inText, $"title {inTitle} <= text {inText}");
        Assert.Equal(Math.Round(1 - Math.Exp(-6.0 / 4), 3), inTitle);
        Assert.Equal(Math.Round(1 - Math.Exp(-3.0 / 4), 3), inText);
    }

    [Fact]
    public void A_topic_below_its_min_score_is_dropped()
    {
        var tagger = TaggerWith("sanctions:2", minScore: 0.4);

        Assert.Empty(tagger.Tag("", "New sanctions."));
        Assert.Single(tagger.Tag("", "New sanctions. More sanctions."));
        Assert.Single(tagger.Tag("Sanctions", ""));
    }

    [Fact]
    public void An_exclusion_vetoes_only_the_match_it_overlaps()
    {
        var tagger = TaggerWith("deterrence:3", exclusions: ["nuclear deterrence"]);

        Assert.Empty(tagger.Tag("", "NATO's nuclear deterrence is credible."));
        Assert.Single(tagger.Tag("", "NATO's nuclear deterrence is credible, and so is its conventional deterrence."));
    }

    [Fact]
    public void Overlapping_terms_count_only_the_longest()
    {
        var tagger = TaggerWith("sanctions:2", "sanctions package:3");

        var score = Assert.Single(tagger.Tag("", "The sanctions package was adopted."));

        Assert.Equal(["sanctions package"], Terms(score));
        Assert.Equal(Math.Round(1 - Math.Exp(-3.0 / 4), 3), score.Score);
    }

    [Fact]
    public void Of_overlapping_terms_the_heaviest_counts_even_when_it_starts_later()
    {
        var tagger = TaggerWith("invoked Article 4:2", "Article 4 consultations:3");

        var score = Assert.Single(tagger.Tag("", "Poland invoked Article 4 consultations."));

        Assert.Equal(["Article 4 consultations"], Terms(score));
    }

    private static Tagger TaggerWith(string termsForSanctions, double minScore = 0.3, string[]? exclusions = null) =>
        TaggerWith([termsForSanctions], minScore, exclusions);

    private static Tagger TaggerWith(string first, string second) => TaggerWith([first, second], 0.3, null);

    /// <summary>A valid file whose 'sanctions' topic has the given "text:weight" terms and every other topic a term no test uses.</summary>
    private static Tagger TaggerWith(string[] terms, double minScore, string[]? exclusions)
    {
        var topics = new JsonArray();
        foreach (var id in TopicFile.RequiredTopicIds)
        {
            var isUnderTest = id == "sanctions";
            var termArray = new JsonArray();
            foreach (var term in isUnderTest ? terms : [$"zzz{id.Replace("-", "", StringComparison.Ordinal)}:1"])
            {
                var colon = term.LastIndexOf(':');
                termArray.Add(new JsonObject { ["text"] = term[..colon], ["weight"] = double.Parse(term[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture) });
            }

            topics.Add(new JsonObject
            {
                ["id"] = id,
                ["title"] = id,
                ["scope"] = id,
                ["minScore"] = isUnderTest ? minScore : 0.3,
                ["terms"] = termArray,
                ["exclusions"] = new JsonArray([.. (isUnderTest ? exclusions ?? [] : []).Select(e => (JsonNode)e)]),
                ["anchors"] = new JsonArray(),
            });
        }

        var json = new JsonObject { ["figures"] = new JsonArray(), ["topics"] = topics }.ToJsonString();
        return new Tagger(TopicFile.Load(json));
    }
}
