using Monitor.Core.Entities;

namespace Monitor.Core.Tests.Entities;

/// <summary>
/// The entity extractor on sentences of the real corpus (statement id in each case), including its traps: people who
/// share a country's name, common words that are also names, acronyms that are also words.
/// </summary>
public class EntityExtractorTests
{
    private static readonly EntityExtractor Extractor = EntityExtractor.Default;

    private static IReadOnlyList<string> Ids(string text) => Extractor.Extract(null, text);

    [Fact]
    public void A_list_of_partners_names_each_country_and_the_eu()
    {
        // nato-091
        Assert.Equal(["finland", "sweden", "georgia", "eu"],
            Ids("A warm welcome to our close partners Finland, Sweden, Georgia and the European Union."));
    }

    [Fact]
    public void Acronyms_are_taken_in_capitals_only()
    {
        // ep-157
        Assert.Equal(["ukraine", "united-states", "nato", "eu", "russia"],
            Ids("whereas political and military tensions between Ukraine, the US, NATO, the EU and Russia have been growing"));

        // nato-219: "us" is not the United States; nato-304 (excerpt cut mid-word): "un" is not the UN.
        Assert.Equal(["nato"], Ids("Because more NATO means more security for all of us."));
        Assert.Empty(Ids("This declaration builds on the un"));
    }

    [Fact]
    public void A_country_that_is_also_a_first_name_is_not_taken_before_a_surname()
    {
        // ep-133: an MEP in a list of signatories; nato-221: the country.
        Assert.Empty(Ids("Matthieu Valet, Jordan Bardella, Marieke Ehlers, António Tânger Corrêa, Susanna Ceccardi"));
        Assert.Equal(["jordan"], Ids("I think we had an impressive and constructive exchange with His Majesty, the King of Jordan."));
        Assert.Empty(Ids("Chad Smith and Georgia Jones spoke for the delegation."));
        Assert.Equal(["chad", "niger"], Ids("Chad and Niger border the Sahel."));
    }

    [Fact]
    public void The_second_half_of_a_hyphenated_compound_is_not_a_first_name()
    {
        // nato-164: "Georgia Package" would read as a first name and a surname without the hyphen rule.
        Assert.Equal(["nato", "georgia"], Ids("In particular through the Substantial NATO-Georgia Package."));
    }

    [Fact]
    public void A_common_word_that_is_a_country_needs_its_capital_letter()
    {
        // nato-024
        Assert.Equal(["turkiye", "united-states", "united-kingdom", "azerbaijan"],
            Ids("in particular Turkey, the United States, and the United Kingdom, and our partner Azerbaijan,"));
        Assert.Equal(["turkiye"], Ids("the trilateral memorandum between Türkiye"));
        Assert.Empty(Ids("The canteen served turkey and chad is a word in no dictionary."));
    }

    [Fact]
    public void A_member_of_parliament_who_shares_a_presidents_surname_is_not_the_president()
    {
        // ep-031: Ville Niinistö, MEP; nato-080 and ep-148: Sauli Niinistö, President of Finland.
        Assert.DoesNotContain("sauli-niinisto", Ids("Katrin Langensiepen, Ville Niinistö, Alviina Alametsä, Hannah Neumann"));
        Assert.Equal(["sauli-niinisto", "nato", "finland"], Ids("So President Niinistö, NATO and Finland share common values and common interests."));
        Assert.Equal(["sauli-niinisto"], Ids("having regard to the report by Sauli Niinistö of 30 October 2024"));
    }

    [Fact]
    public void The_longest_name_wins_over_the_names_inside_it()
    {
        // ep-070
        Assert.Equal(["iran", "council-of-the-eu"],
            Ids("having regard to the sanctions against Iranian individuals and entities adopted by the Council of the EU on 12 April 2021"));
        Assert.Equal(["russia"], Ids("the Russian Federation has been steadily increasing its military presence"));
    }

    [Fact]
    public void People_are_found_by_surname_with_particles_and_possessives()
    {
        // ep-047, nato-206, nato-059
        Assert.Equal(["european-commission", "ursula-von-der-leyen"],
            Ids("In terms of the Commission’s ongoing priorities, EPRS analysis shows that the von der Leyen Commission has already submitted almost two thirds"));
        Assert.Equal(["dmytro-kuleba"], Ids("So, Foreign Minister Kuleba, dear Dmytro,"));
        Assert.Equal(["vladimir-putin", "ukraine"], Ids("President Putin’s decision to pursue his aggression against Ukraine is a terrible strategic mistake"));
    }

    [Fact]
    public void Demonyms_name_the_country_and_can_be_switched_off()
    {
        // nato-074, ep-013
        const string text = "The letters were conveyed by the Finnish Ambassador to NATO Klaus Korhonen and respectively, the Swedish Ambassador to NATO Axel Wernhoff";
        Assert.Equal(["finland", "nato", "sweden"], Ids(text));
        Assert.Equal(["nato"], new EntityExtractor(Gazetteer.LoadDefault(), adjectives: false).Extract(null, text));
        Assert.Equal(["eu", "belarus"], Ids("Against the backdrop of a crisis on the EU-Belarusian border"));
    }

    [Fact]
    public void Other_eu_languages_are_found_with_their_accents_or_without()
    {
        Assert.Equal(["european-parliament", "european-commission", "russia", "ukraine"],
            Ids("Le Parlement européen demande à la Commission européenne de sanctionner la Russie pour la guerre en Ukraine."));
        Assert.Equal(["european-council", "turkiye", "un"],
            Ids("Der Europäische Rat begrüßt die Rolle der Türkei bei den Vereinten Nationen."));
        Assert.Equal(["poland", "belarus", "nato"], Ids("Polska i Białoruś; OTAN"));
        Assert.Equal(["spain", "osce"], Ids("Espana y la OSCE"));
    }

    [Fact]
    public void Mentions_give_the_field_and_the_characters_of_each_name()
    {
        const string title = "NATO Secretary General praises Poland’s support for Ukraine";
        const string text = "The Secretary General commended Poland for playing a leading role.";
        var mentions = Extractor.Mentions(title, text);
        Assert.Equal(
            [("NATO", EntityField.Title), ("Poland", EntityField.Title), ("Ukraine", EntityField.Title), ("Poland", EntityField.Text)],
            mentions.Select(m => ((m.Field == EntityField.Title ? title : text).Substring(m.Start, m.Length), m.Field)).ToList());
        Assert.Equal(["nato", "poland", "ukraine"], Extractor.Extract(title, text));
        Assert.Empty(Extractor.Extract(null, null));
        Assert.Empty(Extractor.Extract("", "   "));
    }

    [Fact]
    public void The_extractor_can_be_shared_between_threads()
    {
        var statements = Monitor.Core.Tagging.Evaluation.Corpus.LoadDefault();
        var expected = statements.Select(s => string.Join(',', Extractor.Extract(s.Title, s.Text))).ToArray();
        var actual = new string[statements.Count];
        Parallel.For(0, statements.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => actual[i] = string.Join(',', Extractor.Extract(statements[i].Title, statements[i].Text)));
        Assert.Equal(expected, actual);
    }
}
