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

    private TopicFile(string version, IReadOnlyList<TopicDefinition> topics, IReadOnlyList<BaselineFigure> figures)
    {
        Version = version;
        Topics = topics;
        Figures = figures;
    }

    /// <summary>Lower-case hex SHA-256 of the file's bytes (UTF-8).</summary>
    public string Version { get; }

    /// <summary>The topics, in file order.</summary>
    public IReadOnlyList<TopicDefinition> Topics { get; }

    /// <summary>The baseline figures (30 Allies, 40 000 troops...), in file order.</summary>
    public IReadOnlyList<BaselineFigure> Figures { get; }

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
        var topics = ValidateTopics(dto.Topics, errors);
        var figures = ValidateFigures(dto.Figures, errors);
        if (errors.Count > 0)
        {
            throw new TopicFileException(
                $"The topic file is invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):"
                + string.Concat(errors.Select(e => $"{Environment.NewLine}- {e}")));
        }

        return new TopicFile(Convert.ToHexStringLower(SHA256.HashData(bytes)), topics, figures);
    }

    private static List<TopicDefinition> ValidateTopics(List<TopicDto?>? dtos, List<string> errors)
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

            var terms = ValidateTerms(name, dto.Terms, errors);
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
                id, dto.Title ?? "", dto.Scope ?? "", terms, exclusions, dto.MinScore ?? 0, anchors));
        }

        var missing = RequiredTopicIds.Where(id => !seen.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"Baseline topic{(missing.Count == 1 ? "" : "s")} missing: {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        }

        return topics;
    }

    private static List<TopicTerm> ValidateTerms(string name, List<TermDto?>? dtos, List<string> errors)
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

            seen.Add(key, text!);
            terms.Add(new TopicTerm(text!, weight));
        }

        return terms;
    }

    private static List<BaselineFigure> ValidateFigures(List<FigureDto?>? dtos, List<string> errors)
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

            figures.Add(new BaselineFigure(dto.Id, dto.Quantity ?? "", value, anchor));
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

        public List<TopicDto?>? Topics { get; init; }
    }

    private sealed class TopicDto
    {
        public string? Id { get; init; }

        public string? Title { get; init; }

        public string? Scope { get; init; }

        public double? MinScore { get; init; }

        public List<TermDto?>? Terms { get; init; }

        public List<string?>? Exclusions { get; init; }

        public List<AnchorDto?>? Anchors { get; init; }
    }

    private sealed class TermDto
    {
        public string? Text { get; init; }

        public double? Weight { get; init; }
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
    }
}
