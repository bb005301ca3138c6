using Monitor.Core.Tagging;
using Monitor.Embeddings;

namespace Monitor.Tagging;

/// <summary>
/// The tagger of backfilled statements (<c>Tagging:BackfillMode</c>): <c>calibrated</c> (default: the rules with the
/// trained calibration, no embeddings), <c>rules</c>, or <c>live</c> (the live tagger itself, e.g. the hybrid). Tags
/// recorded with another version than the live tagger's are re-tagged in the background (<see cref="RetagService"/>).
/// </summary>
public sealed class BackfillTagger(TopicFile topics, TaggingOptions options, IServiceProvider services)
{
    private readonly Lazy<Tagger> _tagger = new(() => options.BackfillMode.ToLowerInvariant() switch
    {
        "live" => services.GetRequiredService<Tagger>(),
        var mode => Taggers.Create(topics, Taggers.ParseMode(mode), options.Semantic.MaxSentences),
    });

    public Tagger Tagger => _tagger.Value;
}
