using Monitor.Contracts;
using Monitor.Testing;

namespace Monitor.BrowserTests;

/// <summary>Statements the tagger scores as wanted: the sentences are the briefing's kind of language.</summary>
public static class Texts
{
    public const string SourceId = "test-feed";

    /// <summary>A word no real text contains (letters only, so full-text search keeps it one token).</summary>
    public static string UniqueWord(string prefix)
    {
        const string letters = "bcdfghjklmnpqrstvwxz";
        return prefix + new string(Enumerable.Range(0, 8).Select(_ => letters[Random.Shared.Next(letters.Length)]).ToArray());
    }

    /// <summary>Tagged sanctions (and not humanitarian aid).</summary>
    public static StatementDiscovered SanctionsStatement(string marker) =>
        PipelineBus.Statement(SourceId, $"Parliament calls for new sanctions against Russia ({marker})",
            $"Parliament called for a new package of sanctions against Russia over its war against Ukraine, and for stronger enforcement against sanctions circumvention. {marker}.");

    /// <summary>Tagged collective defence (Article 5).</summary>
    public static StatementDiscovered CollectiveDefenceStatement(string marker) =>
        PipelineBus.Statement(SourceId, $"Allies reaffirm their Article 5 commitment to collective defence ({marker})",
            $"NATO Allies said their commitment to collective defence is iron-clad: an attack on one is an attack on all, and they will defend every inch of Allied territory. {marker}.");

    /// <summary>Tagged humanitarian aid (and not sanctions).</summary>
    public static StatementDiscovered HumanitarianStatement(string marker) =>
        PipelineBus.Statement(SourceId, $"More humanitarian aid for refugees fleeing the war ({marker})",
            $"The resolution calls for humanitarian aid, medical supplies and support for refugees fleeing the war. {marker}.");
}
