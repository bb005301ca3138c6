using System.Text.Json.Nodes;
using Monitor.Contracts;
using Monitor.Core.Feeds;
using static Monitor.Core.Tests.Feeds.AdapterFiles;

namespace Monitor.Core.Tests.Feeds;

/// <summary>ep-api over the real EP Open Data v2 Atom feed and JSON-LD item shapes (Fixtures/feeds/ep_api_v2_*).</summary>
public class EpApiAdapterTests
{
    private const string PlenaryFeed = "https://data.europarl.europa.eu/api/v2/plenary-documents/feed";
    private const string AdoptedFeed = "https://data.europarl.europa.eu/api/v2/adopted-texts/feed?timeframe=one-week&format=application/ld+json";

    [Fact]
    public void Atom_feed_gives_the_document_identifiers_as_ids_and_references()
    {
        var items = ParseFile(FeedAdapters.EpApi, "feeds", "ep_api_v2_plenary-documents_feed.atom.xml", PlenaryFeed);

        string[] expected =
        [
            "A-10-2026-0204", "B-10-2026-0380", "RC-10-2026-0217", "QOB-10-2026-0012", "A-10-2025-0226-AM-001-002",
            "A-9-2022-0147", "A-6-2008-0049", "B-10-2025-0445",
        ];
        Assert.Equal(expected, items.Select(i => i.ExternalId));
        Assert.Equal(expected, items.Select(i => i.DocumentReference));
        Assert.All(items, i => Assert.Equal(DocumentTypes.Declaration, i.DocumentType));
        Assert.All(items, i => Assert.Equal("en", i.Language));
    }

    [Fact]
    public void Atom_links_point_at_the_doceo_page_when_the_document_has_one_else_at_the_api()
    {
        var items = ParseFile(FeedAdapters.EpApi, "feeds", "ep_api_v2_plenary-documents_feed.atom.xml", PlenaryFeed);

        Assert.Equal("https://www.europarl.europa.eu/doceo/document/A-10-2026-0204_EN.html", items[0].Url);
        Assert.Equal("https://www.europarl.europa.eu/doceo/document/RC-10-2026-0217_EN.html", items[2].Url);
        Assert.Equal("https://data.europarl.europa.eu/api/v2/plenary-documents/QOB-10-2026-0012", items[3].Url);
        Assert.Equal("https://data.europarl.europa.eu/api/v2/plenary-documents/A-10-2025-0226-AM-001-002", items[4].Url);
        Assert.True(FeedAdapters.WantsFullText(FeedAdapters.EpApi, items[0]));
        Assert.False(FeedAdapters.WantsFullText(FeedAdapters.EpApi, items[3]));
        Assert.Equal(new DateTimeOffset(2026, 9, 2, 16, 24, 4, 157, TimeSpan.Zero), items[0].PublishedAt);
        Assert.Equal("2026-09-02T16:24:04.157Z", items[0].PublishedRaw);
        Assert.StartsWith("JOINT MOTION FOR A RESOLUTION on shortcomings and deficiencies of the ‘Amnesty Law’ in Venezuela", items[2].Title);
    }

    [Fact]
    public void Json_ld_adopted_texts_feed_item_becomes_a_text_adopted_with_its_reference()
    {
        var item = Assert.Single(ParseText(FeedAdapters.EpApi, Response("adopted-texts/feed?timeframe=one-week&format=application/ld+json"), AdoptedFeed));

        Assert.Equal("TA-10-2025-0279", item.ExternalId);
        Assert.Equal("TA-10-2025-0279", item.DocumentReference);
        Assert.Equal(DocumentTypes.TextAdopted, item.DocumentType);
        Assert.Equal("T10-0279/2025", item.Title);
        Assert.Equal("https://www.europarl.europa.eu/doceo/document/TA-10-2025-0279_EN.html", item.Url);
        Assert.Null(item.PublishedAt);
        Assert.Null(item.PublishedRaw);
    }

    [Fact]
    public void Json_ld_adopted_texts_list_item_has_its_english_title_and_its_brussels_day()
    {
        var item = Assert.Single(ParseText(
            FeedAdapters.EpApi, Response("adopted-texts?limit=1&year=2024&format=application/ld+json (SIMPLIFIED by the quoting author)"), AdoptedFeed));

        Assert.Equal("TA-9-2024-0104", item.ExternalId);
        Assert.Equal("Implementation of the common foreign and security policy - annual report 2023", item.Title);
        Assert.Equal("en", item.Language);
        Assert.Equal(new DateTimeOffset(2024, 2, 27, 23, 0, 0, TimeSpan.Zero), item.PublishedAt);
        Assert.Equal("2024-02-28", item.PublishedRaw);
        Assert.Equal("https://www.europarl.europa.eu/doceo/document/TA-9-2024-0104_EN.html", item.Url);
    }

    [Theory]
    [InlineData("meps-declarations/feed?timeframe=one-week&format=application/ld+json", "DCI-106936-2026-04-01-546295", "https://data.europarl.europa.eu/eli/dl/doc/DCI-106936-2026-04-01-546295")]
    [InlineData("meps-declarations?limit=1&year=2024&format=application/ld+json", "DCI-28150-2024-12-03-420396", "https://data.europarl.europa.eu/eli/dl/doc/DCI-28150-2024-12-03-420396")]
    [InlineData("parliamentary-questions?limit=1&year=2024&format=application/ld+json", "E-10-2024-001357", "https://data.europarl.europa.eu/eli/dl/doc/E-10-2024-001357")]
    public void Other_json_ld_documents_are_official_texts_linked_to_their_eli(string shape, string id, string url)
    {
        var item = Assert.Single(ParseText(FeedAdapters.EpApi, Response(shape), PlenaryFeed));

        Assert.Equal(id, item.ExternalId);
        Assert.Equal(url, item.Url);
        Assert.Equal(DocumentTypes.Declaration, item.DocumentType);
        Assert.False(string.IsNullOrWhiteSpace(item.Title));
    }

    [Fact]
    public void The_documented_error_in_body_shape_is_a_format_error_naming_the_error()
    {
        var shapes = Shapes();
        var error = shapes.Single(p => p.Key.StartsWith("error-in-body", StringComparison.Ordinal)).Value!.ToJsonString();

        var ex = Assert.Throws<FeedFormatException>(() => ParseText(FeedAdapters.EpApi, error, AdoptedFeed));

        Assert.Contains("error in the body", ex.Message, StringComparison.Ordinal);
        Assert.Contains("404 Not Found from POST", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_openapi_spec_is_json_but_no_feed()
    {
        var ex = Assert.Throws<FeedFormatException>(() => ParseFile(FeedAdapters.EpApi, "feeds", "ep_openapi_v2_spec.json", PlenaryFeed));

        Assert.Contains("no \"data\" array", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"openapi\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_data_list_is_an_empty_feed()
    {
        Assert.Empty(ParseText(FeedAdapters.EpApi, """{"data": [], "@context": ["https://data.europarl.europa.eu/api/v2/context.jsonld"]}""", AdoptedFeed));
    }

    [Fact]
    public void Json_ld_items_with_fields_of_the_wrong_kind_fall_back_without_crashing()
    {
        const string json = """
            {"data": [
              {"id": "eli/dl/doc/TA-10-2026-0001", "identifier": 5, "is_realized_by": "nope", "title_dcterms": {}, "document_date": 20260101},
              {"id": "eli/dl/doc/TA-10-2026-0002", "is_realized_by": [null, {"title": {"fr": "Texte adopté"}}], "work_type": ["x"], "document_date": "not a date"},
              {"type": "Work"}
            ]}
            """;

        var items = ParseText(FeedAdapters.EpApi, json, AdoptedFeed);

        Assert.Equal(["TA-10-2026-0001", "TA-10-2026-0002"], items.Select(i => i.ExternalId));
        Assert.Equal(["TA-10-2026-0001", "Texte adopté"], items.Select(i => i.Title));
        Assert.Equal("fr", items[1].Language);
        Assert.Equal("https://www.europarl.europa.eu/doceo/document/TA-10-2026-0002_FR.html", items[1].Url);
        Assert.Equal([null, null], items.Select(i => i.PublishedAt));
        Assert.Equal("not a date", items[1].PublishedRaw);
    }

    [Fact]
    public void Json_ld_items_that_are_not_objects_are_a_format_error()
    {
        var ex = Assert.Throws<FeedFormatException>(() => ParseText(FeedAdapters.EpApi, """{"data": [{"identifier": "TA-10-2026-0001"}, "x"]}""", AdoptedFeed));

        Assert.Contains("item 2 is a JSON string", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A whole response around one item of the fixture, the way the API wraps them.</summary>
    private static string Response(string shape)
    {
        var item = Shapes()[shape]!.DeepClone();
        var response = new JsonObject
        {
            ["data"] = new JsonArray(item),
            ["@context"] = new JsonArray(
                new JsonObject { ["data"] = "@graph", ["@base"] = "https://data.europarl.europa.eu/" },
                "https://data.europarl.europa.eu/api/v2/context.jsonld"),
        };
        return response.ToJsonString();
    }

    private static JsonObject Shapes() =>
        JsonNode.Parse(File.ReadAllText(FixtureFiles.PathOf("feeds", "ep_api_v2_jsonld_item_shapes.json")))!.AsObject();
}
