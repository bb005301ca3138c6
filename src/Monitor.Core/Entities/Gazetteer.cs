using System.Text.Json;
using System.Text.Json.Serialization;
using Monitor.Core.Text;

namespace Monitor.Core.Entities;

/// <summary>What an entity is.</summary>
public enum EntityKind
{
    Country,
    Organisation,
    Person,
}

/// <summary>
/// One country, organisation or person of the gazetteer: a stable id (what is stored and filtered on), a display
/// name and the forms it is written in.
/// </summary>
/// <param name="Aliases">Names in English and the big EU languages; the case rule of each word is in docs/entities.md.</param>
/// <param name="Adjectives">Demonyms ("Ukrainian"): a mention of the country, kept only where they measured clean.</param>
/// <param name="GivenName">The name is also a first name ("Georgia", "Jordan"): not taken next to another capitalised word.</param>
public sealed record Entity(
    string Id,
    EntityKind Kind,
    string Name,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> Adjectives,
    bool GivenName);

/// <summary>
/// The gazetteer: the entities that NATO and European Parliament statements name, read from a JSON data file
/// (<c>Entities/entities.json</c>, embedded). <see cref="Parse"/> refuses a file with a clear message rather than
/// letting two entities claim one alias.
/// </summary>
public sealed class Gazetteer
{
    private const string ResourceName = "Monitor.Core.Entities.entities.json";

    private static readonly Lazy<Gazetteer> Default = new(() =>
    {
        using var stream = typeof(Gazetteer).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded file {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Dictionary<string, Entity> _byId;

    private Gazetteer(IReadOnlyList<Entity> entities)
    {
        Entities = entities;
        _byId = entities.ToDictionary(e => e.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<Entity> Entities { get; }

    public static Gazetteer LoadDefault() => Default.Value;

    public Entity? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Reads a gazetteer file; throws <see cref="FormatException"/> naming the entity and the problem.</summary>
    public static Gazetteer Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        GazetteerFile? file;
        try
        {
            file = JsonSerializer.Deserialize<GazetteerFile>(json, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The gazetteer is not valid JSON: {e.Message}", e);
        }

        if (file?.Entities is not { Count: > 0 } items)
        {
            throw new FormatException("The gazetteer has no \"entities\".");
        }

        var entities = new List<Entity>(items.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (string.IsNullOrWhiteSpace(item.Id) || !item.Id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                throw new FormatException($"Entity id \"{item.Id}\" must be lower-case letters, digits and hyphens.");
            }

            if (!ids.Add(item.Id))
            {
                throw new FormatException($"Entity id \"{item.Id}\" appears twice.");
            }

            if (item.Kind is not { } kind || !Enum.IsDefined(kind))
            {
                throw new FormatException($"Entity \"{item.Id}\" needs a kind: country, organisation or person.");
            }

            if (string.IsNullOrWhiteSpace(item.Name))
            {
                throw new FormatException($"Entity \"{item.Id}\" needs a name.");
            }

            var aliases = (item.Aliases ?? []).Prepend(item.Name).Distinct(StringComparer.Ordinal).ToList();
            var adjectives = (item.Adjectives ?? []).Distinct(StringComparer.Ordinal).ToList();
            foreach (var alias in aliases.Concat(adjectives))
            {
                var key = string.Join(' ', Tokens.Split(alias));
                if (key.Length == 0)
                {
                    throw new FormatException($"Entity \"{item.Id}\" has an alias with no words: \"{alias}\".");
                }

                if (owners.TryGetValue(key, out var owner) && owner != item.Id)
                {
                    throw new FormatException($"The alias \"{alias}\" of \"{item.Id}\" is also an alias of \"{owner}\".");
                }

                owners[key] = item.Id;
            }

            entities.Add(new Entity(item.Id, kind, item.Name, aliases, adjectives, item.GivenName));
        }

        return new Gazetteer(entities);
    }

    private sealed class GazetteerFile
    {
        public List<EntityItem>? Entities { get; set; }
    }

    private sealed class EntityItem
    {
        public string Id { get; set; } = "";

        public EntityKind? Kind { get; set; }

        public string Name { get; set; } = "";

        public List<string>? Aliases { get; set; }

        public List<string>? Adjectives { get; set; }

        public bool GivenName { get; set; }
    }
}
