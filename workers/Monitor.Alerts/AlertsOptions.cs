namespace Monitor.Alerts;

/// <summary>Bound from the <c>Alerts</c> section. Accounts and per-user subscriptions replace these rules later.</summary>
public sealed class AlertsOptions
{
    public const string SectionName = "Alerts";

    /// <summary>Rules from configuration; when empty, <see cref="DefaultRules"/> apply.</summary>
    public List<AlertRule> Rules { get; set; } = [];

    public IReadOnlyList<AlertRule> EffectiveRules => Rules.Count > 0 ? Rules : DefaultRules;

    public static readonly IReadOnlyList<AlertRule> DefaultRules =
    [
        new() { Id = "collective-defence-or-nuclear", Topics = ["collective-defence", "nuclear-chemical-threats"], MinScore = 0.0 },
    ];
}

/// <summary>Alert when a stored statement carries any of these topics with at least this score.</summary>
public sealed class AlertRule
{
    public string Id { get; set; } = "";

    public List<string> Topics { get; set; } = [];

    public double MinScore { get; set; }
}
