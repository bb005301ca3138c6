namespace Monitor.Contracts;

/// <summary>A value a statement states for one of the briefing's baseline figures.</summary>
/// <param name="FigureId">The baseline figure's id, e.g. <c>allies</c>.</param>
/// <param name="Value">The value the statement states.</param>
/// <param name="Baseline">The briefing's value for the figure.</param>
/// <param name="Drift">True when <paramref name="Value"/> differs from <paramref name="Baseline"/>.</param>
/// <param name="Evidence">The words the value was read from, as written.</param>
/// <param name="Field"><c>title</c> or <c>body</c>: where the evidence was found.</param>
/// <param name="Start">Character offset of the evidence in that field.</param>
public sealed record FigureValue(string FigureId, double Value, double Baseline, bool Drift, string Evidence, string Field, int Start);
