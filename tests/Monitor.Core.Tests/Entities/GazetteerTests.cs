using Monitor.Core.Entities;

namespace Monitor.Core.Tests.Entities;

public class GazetteerTests
{
    private static readonly Gazetteer Default = Gazetteer.LoadDefault();

    [Theory]
    [InlineData("jens-stoltenberg", EntityKind.Person)]
    [InlineData("mark-rutte", EntityKind.Person)]
    [InlineData("roberta-metsola", EntityKind.Person)]
    [InlineData("volodymyr-zelenskyy", EntityKind.Person)]
    [InlineData("ursula-von-der-leyen", EntityKind.Person)]
    [InlineData("vladimir-putin", EntityKind.Person)]
    [InlineData("finland", EntityKind.Country)]
    [InlineData("sweden", EntityKind.Country)]
    [InlineData("moldova", EntityKind.Country)]
    [InlineData("ukraine", EntityKind.Country)]
    [InlineData("russia", EntityKind.Country)]
    [InlineData("belarus", EntityKind.Country)]
    [InlineData("georgia", EntityKind.Country)]
    [InlineData("council-of-the-eu", EntityKind.Organisation)]
    [InlineData("european-council", EntityKind.Organisation)]
    [InlineData("un", EntityKind.Organisation)]
    [InlineData("osce", EntityKind.Organisation)]
    [InlineData("european-commission", EntityKind.Organisation)]
    [InlineData("nato", EntityKind.Organisation)]
    public void The_gazetteer_has_the_entities_the_statements_name(string id, EntityKind kind)
    {
        var entity = Default.Find(id);
        Assert.NotNull(entity);
        Assert.Equal(kind, entity.Kind);
        Assert.False(string.IsNullOrWhiteSpace(entity.Name));
    }

    [Fact]
    public void The_main_countries_and_organisations_have_french_german_spanish_italian_and_polish_forms()
    {
        // One form in each language, checked by finding it: the extractor must map it back to the entity.
        var extractor = EntityExtractor.Default;
        (string Id, string[] Forms)[] expected =
        [
            ("ukraine", ["Ukraine", "Ucrania", "Ucraina", "Ukraina"]),
            ("russia", ["Russie", "Russland", "Rusia", "Rosja"]),
            ("moldova", ["Moldavie", "Moldau", "Moldavia", "Mołdawia"]),
            ("georgia", ["Géorgie", "Georgien", "Gruzja"]),
            ("sweden", ["Suède", "Schweden", "Suecia", "Svezia", "Szwecja"]),
            ("finland", ["Finlande", "Finnland", "Finlandia"]),
            ("belarus", ["Biélorussie", "Weißrussland", "Bielorrusia", "Bielorussia", "Białoruś"]),
            ("eu", ["Union européenne", "Europäische Union", "Unión Europea", "Unione europea", "Unia Europejska"]),
            ("nato", ["OTAN", "Sojusz Północnoatlantycki"]),
            ("un", ["ONU", "Vereinte Nationen", "Naciones Unidas", "Nazioni Unite", "ONZ"]),
            ("european-commission", ["Commission européenne", "Europäische Kommission", "Comisión Europea", "Commissione europea", "Komisja Europejska"]),
            ("osce", ["OSZE", "OBWE"]),
        ];
        foreach (var (id, forms) in expected)
        {
            foreach (var form in forms)
            {
                Assert.True(extractor.Extract(null, $"Statement about {form} today.").SequenceEqual([id]), $"{form} should be {id}");
            }
        }
    }

    [Fact]
    public void Every_entity_has_a_unique_id_and_at_least_one_alias()
    {
        Assert.True(Default.Entities.Count >= 100, $"{Default.Entities.Count} entities");
        Assert.Equal(Default.Entities.Count, Default.Entities.Select(e => e.Id).Distinct().Count());
        Assert.All(Default.Entities, e => Assert.NotEmpty(e.Aliases));
    }

    [Fact]
    public void Two_entities_cannot_claim_one_alias()
    {
        var ex = Assert.Throws<FormatException>(() => Gazetteer.Parse("""
            {"entities": [
              {"id": "georgia", "kind": "country", "name": "Georgia"},
              {"id": "georgia-us", "kind": "country", "name": "State of Georgia", "aliases": ["GEORGIA"]}
            ]}
            """));
        Assert.Contains("\"GEORGIA\" of \"georgia-us\" is also an alias of \"georgia\"", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"entities": [{"id": "x", "kind": "planet", "name": "X"}]}""", "not valid JSON")]
    [InlineData("""{"entities": [{"id": "x", "name": "X"}]}""", "needs a kind")]
    [InlineData("""{"entities": [{"id": "Bad Id", "kind": "country", "name": "X"}]}""", "must be lower-case")]
    [InlineData("""{"entities": [{"id": "x", "kind": "country", "name": "X"}, {"id": "x", "kind": "country", "name": "Y"}]}""", "appears twice")]
    [InlineData("""{"entities": [{"id": "x", "kind": "country", "name": "X", "aliases": ["--"]}]}""", "no words")]
    [InlineData("""{"entities": []}""", "no \"entities\"")]
    [InlineData("""not json""", "not valid JSON")]
    public void A_bad_gazetteer_is_refused_with_a_clear_message(string json, string message)
    {
        var ex = Assert.Throws<FormatException>(() => Gazetteer.Parse(json));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
