using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Monitor.Core.Text;

namespace Monitor.Core.Tagging;

/// <summary>
/// The baseline as data: the 18 topics of TOPICS.md with their matching rules, and the baseline figures. Loaded and
/// validated once; <see cref="Version"/> identifies the exact file, so every stored tag can say what produced it.
/// </summary>
public sealed class TopicFile
{
    /// <summary>The topic ids of TOPICS.md. Tests, alerts, URLs and stored tags use them, so a file must define exactly these.</summary>
    public static readonly IReadOnlyList<string> RequiredTopicIds =
    [
        "condemnation-withdrawal", "no-direct-involvement", "weapons-military-aid", "sanctions", "humanitarian-aid",
        "deterrence-eastern-flank", "collective-defence", "open-door-enlargement", "nato-ukraine-partnership",
        "territorial-integrity", "nuclear-chemical-threats", "partners-at-risk", "asia-pacific-partners",
        "cyber-hybrid-disinformation", "strategic-concept", "eu-nato-cooperation", "defence-spending",
        "nato-russia-relations",
    ];

    /// <summary>The baseline figure ids of TOPICS.md.</summary>
    public static readonly IReadOnlyList<string> RequiredFigureIds =
    [
        "allies-count", "troops-under-nato-command-east", "allied-jets-region", "allied-ships-region",
        "us-troops-europe", "additional-us-troops", "battlegroups-count", "eop-count",
    ];

    private const string ResourceName = "Monitor.Core.Tagging.topics.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // A misspelt key ("exclusion", "weigth") would silently drop rules: refuse it instead.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly Lazy<TopicFile> Default = new(() =>
    {
        using var stream = typeof(TopicFile).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new TopicFileException($"The embedded topic file {ResourceName} is missing from the assembly");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Load(buffer.ToArray());
    });

    private TopicFile(
        string version,
        IReadOnlyList<TopicDefinition> topics,
        IReadOnlyList<BaselineFigure> figures,
        IReadOnlyDictionary<string, IReadOnlyList<string>> contexts,
        IReadOnlyList<string> figureExclusions)
    {
        Version = version;
        Topics = topics;
        Figures = figures;
        Contexts = contexts;
        FigureExclusions = figureExclusions;
    }

    /// <summary>Lower-case hex SHA-256 of the file's bytes (UTF-8).</summary>
    public string Version { get; }

    /// <summary>The topics, in file order.</summary>
    public IReadOnlyList<TopicDefinition> Topics { get; }

    /// <summary>The baseline figures (30 Allies, 40 000 troops...), in file order.</summary>
    public IReadOnlyList<BaselineFigure> Figures { get; }

    /// <summary>Co-occurrence groups by name: phrases one of which must be near a term (or figure) that names the group.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Contexts { get; }

    /// <summary>Words that veto any figure value they sit just before (prospective "will", "Russian"...).</summary>
    public IReadOnlyList<string> FigureExclusions { get; }

    /// <summary>Reads and validates a topic file from disk (e.g. <c>monitor tag --topics</c>).</summary>
    public static TopicFile LoadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TopicFileException($"The topic file {path} cannot be read: {ex.Message}", ex);
        }

        return Load(bytes);
    }

    /// <summary>Parses and validates a topic file; throws <see cref="TopicFileException"/> listing every problem.</summary>
    public static TopicFile Load(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Load(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The topic file shipped in this assembly (<c>Tagging/topics.json</c>).</summary>
    public static TopicFile LoadDefault() => Default.Value;

    private static TopicFile Load(byte[] bytes)
    {
        FileDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<FileDto>(bytes, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new TopicFileException($"The topic file is not valid: {ex.Message}", ex);
        }

        if (dto is null)
        {
            throw new TopicFileException("The topic file is empty (null)");
        }

        var errors = new List<string>();
        var contexts = ValidateContexts(dto.Contexts, errors);
        var topics = ValidateTopics(dto.Topics, contexts, errors);
        var figures = ValidateFigures(dto.Figures, contexts, errors);
        var figureExclusions = ValidatePhrases("figureExclusions", dto.FigureExclusions, errors);
        if (errors.Count > 0)
        {
            throw new TopicFileException(
                $"The topic file is invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):"
                + string.Concat(errors.Select(e => $"{Environment.NewLine}- {e}")));
        }

        return new TopicFile(Convert.ToHexStringLower(SHA256.HashData(bytes)), topics, figures, contexts, figureExclusions);
    }

    private static Dictionary<string, IReadOnlyList<string>> ValidateContexts(Dictionary<string, List<string?>?>? dtos, List<string> errors)
    {
        var contexts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, phrases) in dtos ?? [])
        {
            var valid = ValidatePhrases($"Context '{name}'", phrases, errors);
            if (valid.Count == 0)
            {
                errors.Add($"Context '{name}' has no phrases");
            }

            contexts[name] = valid;
        }

        return contexts;
    }

    private static List<string> ValidatePhrases(string owner, List<string?>? phrases, List<string> errors)
    {
        var valid = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phrase in phrases ?? [])
        {
            var tokens = Tokens.Split(phrase);
            if (tokens.Count == 0)
            {
                errors.Add($"{owner} has a phrase with no words: \"{phrase}\"");
            }
            else if (!seen.Add(string.Join(' ', tokens)))
            {
                errors.Add($"{owner} lists \"{phrase}\" twice");
            }
            else
            {
                valid.Add(phrase!);
            }
        }

        return valid;
    }

    private static List<TopicDefinition> ValidateTopics(
        List<TopicDto?>? dtos, Dictionary<string, IReadOnlyList<string>> contexts, List<string> errors)
    {
        var topics = new List<TopicDefinition>();
        if (dtos is null || dtos.Count == 0)
        {
            errors.Add("It has no topics: a \"topics\" array with the 18 baseline topics is required");
            return topics;
        }

        var required = new HashSet<string>(RequiredTopicIds, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < dtos.Count; i++)
        {
            var dto = dtos[i];
            if (string.IsNullOrWhiteSpace(dto?.Id))
            {
                errors.Add($"Topic #{i + 1} has no id");
                continue;
            }

            var id = dto.Id;
            var name = $"Topic '{id}'";
            if (!seen.Add(id))
            {
                errors.Add($"{name} is defined more than once");
                continue;
            }

            if (!required.Contains(id))
            {
                errors.Add($"{name} is unknown: it is not one of the 18 baseline topics of TOPICS.md");
            }

            if (string.IsNullOrWhiteSpace(dto.Title))
            {
                errors.Add($"{name} has no title");
            }

            if (string.IsNullOrWhiteSpace(dto.Scope))
            {
                errors.Add($"{name} has no scope");
            }

            if (dto.MinScore is not { } minScore || !(minScore > 0 && minScore < 1))
            {
                errors.Add($"{name} has minScore {Show(dto.MinScore)}: it must be a number greater than 0 and less than 1");
            }

            var terms = ValidateTerms(name, dto.Terms, contexts, errors);
            if (dto.TitleWeight is <= 0 || dto.BodyWeight is <= 0)
            {
                errors.Add($"{name} has a titleWeight or bodyWeight that is not positive");
            }

            var exclusions = new List<string>();
            foreach (var exclusion in dto.Exclusions ?? [])
            {
                if (Tokens.Split(exclusion).Count == 0)
                {
                    errors.Add($"{name} has an exclusion with no words: \"{exclusion}\"");
                }
                else
                {
                    exclusions.Add(exclusion!);
                }
            }

            var anchors = new List<BriefingAnchor>();
            foreach (var anchor in dto.Anchors ?? [])
            {
                if (anchor is not { Line: > 0 } || string.IsNullOrWhiteSpace(anchor.Text))
                {
                    errors.Add($"{name} has an anchor without a positive line number and a text");
                }
                else
                {
                    anchors.Add(new BriefingAnchor(anchor.Line.Value, anchor.Text));
                }
            }

            topics.Add(new TopicDefinition(
                id, dto.Title ?? "", dto.Scope ?? "", terms, exclusions, dto.MinScore ?? 0, anchors)
            {
                TitleWeight = dto.TitleWeight ?? 2.0,
                BodyWeight = dto.BodyWeight ?? 1.0,
            });
        }

        var missing = RequiredTopicIds.Where(id => !seen.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"Baseline topic{(missing.Count == 1 ? "" : "s")} missing: {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        }

        return topics;
    }

    private static List<TopicTerm> ValidateTerms(
        string name, List<TermDto?>? dtos, Dictionary<string, IReadOnlyList<string>> contexts, List<string> errors)
    {
        var terms = new List<TopicTerm>();
        if (dtos is null || dtos.Count == 0)
        {
            errors.Add($"{name} has no terms");
            return terms;
        }

        // Terms are matched on normalised tokens, so "no-fly zone" and "No fly zone" are the same term.
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dto in dtos)
        {
            var text = dto?.Text;
            var tokens = Tokens.Split(text);
            if (tokens.Count == 0)
            {
                errors.Add($"{name} has a term with no words: \"{text}\"");
                continue;
            }

            if (dto!.Weight is not { } weight || !(weight > 0) || double.IsInfinity(weight))
            {
                errors.Add($"{name}: term \"{text}\" has weight {Show(dto.Weight)}: weights must be positive numbers");
                continue;
            }

            var key = string.Join(' ', tokens);
            if (seen.TryGetValue(key, out var first))
            {
                errors.Add($"{name} lists the term \"{text}\" twice (as \"{first}\" too)");
                continue;
            }

            if (dto.Context is { } context && !contexts.ContainsKey(context))
            {
                errors.Add($"{name}: term \"{text}\" names the unknown context '{context}' (not in \"contexts\")");
                continue;
            }

            if (dto.Window is < 0)
            {
                errors.Add($"{name}: term \"{text}\" has a negative window");
                continue;
            }

            seen.Add(key, text!);
            terms.Add(new TopicTerm(text!, weight, dto.Context, dto.Window ?? (dto.Context is null ? 0 : DefaultWindow)));
        }

        return terms;
    }

    /// <summary>Tokens either side of a term within which its context must appear, unless the file says otherwise.</summary>
    public const int DefaultWindow = 20;

    private static List<BaselineFigure> ValidateFigures(
        List<FigureDto?>? dtos, Dictionary<string, IReadOnlyList<string>> contexts, List<string> errors)
    {
        var figures = new List<BaselineFigure>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (dto, i) in (dtos ?? []).Select((d, i) => (d, i)))
        {
            if (string.IsNullOrWhiteSpace(dto?.Id))
            {
                errors.Add($"Figure #{i + 1} has no id");
                continue;
            }

            var name = $"Figure '{dto.Id}'";
            if (!seen.Add(dto.Id))
            {
                errors.Add($"{name} is defined more than once");
                continue;
            }

            if (!RequiredFigureIds.Contains(dto.Id, StringComparer.Ordinal))
            {
                errors.Add($"{name} is unknown: it is not one of the baseline figures of TOPICS.md");
            }

            var units = ValidatePhrases(name, dto.Units, errors);
            if (units.Count == 0)
            {
                errors.Add($"{name} has no units (the words that follow a stated value, e.g. \"Allies\")");
            }

            if (dto.Context is { } context && !contexts.ContainsKey(context))
            {
                errors.Add($"{name} names the unknown context '{context}'");
            }

            if (string.IsNullOrWhiteSpace(dto.Quantity))
            {
                errors.Add($"{name} has no quantity");
            }

            if (dto.Value is not { } value)
            {
                errors.Add($"{name} has no value");
                continue;
            }

            var anchor = dto.Anchor is { Line: > 0 } a && !string.IsNullOrWhiteSpace(a.Text)
                ? new BriefingAnchor(a.Line.Value, a.Text)
                : null;
            if (dto.Anchor is not null && anchor is null)
            {
                errors.Add($"{name} has an anchor without a positive line number and a text");
            }

            figures.Add(new BaselineFigure(dto.Id, dto.Quantity ?? "", value, anchor)
            {
                Units = units,
                Context = dto.Context,
                Exclusions = ValidatePhrases(name, dto.Exclusions, errors),
                OrdinalUnits = ValidatePhrases(name, dto.OrdinalUnits, errors),
                OrdinalExclusions = ValidatePhrases(name, dto.OrdinalExclusions, errors),
                MinValue = dto.MinValue,
                MaxValue = dto.MaxValue,
            });
            if (dto.MinValue > value || dto.MaxValue < value || dto.MinValue > dto.MaxValue)
            {
                errors.Add($"{name} has a minValue/maxValue that does not hold its own value {value}");
            }
        }

        return figures;
    }

    private static string Show(double? value) =>
        value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "(missing)";

    // The file's shape. Everything nullable: absence is reported by validation, with the topic's name.
    private sealed class FileDto
    {
        public string? About { get; init; }

        public List<FigureDto?>? Figures { get; init; }

        public List<string?>? FigureExclusions { get; init; }

        public Dictionary<string, List<string?>?>? Contexts { get; init; }

        public List<TopicDto?>? Topics { get; init; }
    }

    private sealed class TopicDto
    {
        public string? Id { get; init; }

        public string? Title { get; init; }

        public string? Scope { get; init; }

        public double? MinScore { get; init; }

        public double? TitleWeight { get; init; }

        public double? BodyWeight { get; init; }

        public List<TermDto?>? Terms { get; init; }

        public List<string?>? Exclusions { get; init; }

        public List<AnchorDto?>? Anchors { get; init; }
    }

    private sealed class TermDto
    {
        public string? Text { get; init; }

        public double? Weight { get; init; }

        public string? Context { get; init; }

        public int? Window { get; init; }
    }

    private sealed class AnchorDto
    {
        public int? Line { get; init; }

        public string? Text { get; init; }
    }

    private sealed class FigureDto
    {
        public string? Id { get; init; }

        public string? Quantity { get; init; }

        public decimal? Value { get; init; }

        public AnchorDto? Anchor { get; init; }

        public List<string?>? Units { get; init; }

        public string? Context { get; init; }

        public List<string?>? Exclusions { get; init; }

        public List<string?>? OrdinalUnits { get; init; }

        public List<string?>? OrdinalExclusions { get; init; }

        public decimal? MinValue { get; init; }

        public decimal? MaxValue { get; init; }
    }
}
