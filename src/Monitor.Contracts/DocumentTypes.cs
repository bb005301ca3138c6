namespace Monitor.Contracts;

/// <summary>The kinds of document a statement can be. Stored and filtered as these lower-case strings.</summary>
public static class DocumentTypes
{
    public const string PressRelease = "press-release";

    /// <summary>A speech, a press conference or another transcript of spoken words.</summary>
    public const string Speech = "speech";

    /// <summary>A resolution or another text adopted by a vote.</summary>
    public const string TextAdopted = "text-adopted";

    /// <summary>A declaration, communiqué or other official text.</summary>
    public const string Declaration = "declaration";

    public const string News = "news";

    /// <summary>A study, briefing or analysis (e.g. the EP Think Tank).</summary>
    public const string Analysis = "analysis";

    public static IReadOnlyList<string> All { get; } = [PressRelease, Speech, TextAdopted, Declaration, News, Analysis];

    public static bool IsKnown(string? value) => value is not null && All.Contains(value);
}
