using Monitor.Contracts;
using Monitor.Core.Text;

namespace Monitor.Core.Tagging;

/// <summary>
/// Reads the values a statement states for the baseline figures ("32 Allies", "eleven battlegroups") and marks
/// drift from the briefing's values.
/// </summary>
/// <remarks>
/// A value is a cardinal number token (see <see cref="TokenBuffer"/>: "40 000", "40,000", "forty thousand") directly
/// followed by one of a figure's units, or an ordinal followed by one of its ordinal units ("Finland becomes the 31st
/// Ally": 31 Allies, unless an ordinal exclusion such as "will" is near); of several units the longest wins. A year
/// (four plain digits, 1900-2100) is never a value, nor is a value outside the figure's minValue..maxValue ("14 NATO
/// Allies" in an exercise). A cardinal is dropped when: a figure exclusion (prospective "will", "would", "once"; "Russian"; "evacuated"...) is among
/// the eight tokens before it in its sentence or the four after its unit; or the figure has a context and no phrase
/// of that group is in the same sentence; a year (1900-2100) is among the eight tokens before it ("in 1949, 12
/// Allies"). A figure is reported once per value.
/// </remarks>
internal sealed class FigureReader
{
    private const int LookBehind = 8;
    private const int LookAhead = 4;

    private readonly List<(BaselineFigure Figure, int Context, string[][] Exclusions, string[][] OrdinalExclusions)> _figures = [];
    private readonly List<(string[] Tokens, int Figure)> _units = [];
    private readonly List<(string[] Tokens, int Figure)> _ordinalUnits = [];
    private readonly string[][] _exclusions;

    public FigureReader(TopicFile file, Dictionary<string, int> contextIds)
    {
        foreach (var figure in file.Figures)
        {
            var index = _figures.Count;
            _figures.Add((figure, figure.Context is { } c ? contextIds[c] : -1,
                [.. figure.Exclusions.Select(x => Tokens.Split(x).ToArray())],
                [.. figure.OrdinalExclusions.Select(x => Tokens.Split(x).ToArray())]));
            foreach (var unit in figure.Units)
            {
                _units.Add(([.. Tokens.Split(unit)], index));
            }

            foreach (var unit in figure.OrdinalUnits)
            {
                _ordinalUnits.Add(([.. Tokens.Split(unit)], index));
            }
        }

        // Longest unit first, so "more US troops" is tried before "US troops".
        _units.Sort((a, b) => b.Tokens.Length.CompareTo(a.Tokens.Length));
        _ordinalUnits.Sort((a, b) => b.Tokens.Length.CompareTo(a.Tokens.Length));
        _exclusions = [.. file.FigureExclusions.Select(x => Tokens.Split(x).ToArray())];
    }

    public void Read(TokenBuffer tokens, string? source, string fieldName, List<ContextHit> contexts, Tagger.Field field, List<FigureValue> found)
    {
        if (source is null || _figures.Count == 0)
        {
            return;
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            if (NumberOf(tokens, i) is { } change)
            {
                ReadChange(tokens, source, fieldName, contexts, field, found, i, change);
            }

            var number = tokens[i];
            if (!number.IsNumber || IsYear(tokens, source, i))
            {
                continue;
            }

            foreach (var (unit, index) in number.Ordinal ? _ordinalUnits : _units)
            {
                if (!Follows(tokens, i + 1, unit, number.Sentence))
                {
                    continue;
                }

                var (figure, context, exclusions, ordinalExclusions) = _figures[index];
                var last = i + unit.Length;
                var vetoed = number.Ordinal
                    ? Vetoed(tokens, i, last, ordinalExclusions)
                    : Vetoed(tokens, i, last, _exclusions) || AfterYear(tokens, i) || Vetoed(tokens, i, last, exclusions);
                if (vetoed || (context >= 0 && !InSentence(contexts, context, field, tokens, number.Sentence)))
                {
                    break;
                }

                var value = number.Number;
                if ((figure.MinValue is { } min && value < (double)min) || (figure.MaxValue is { } max && value > (double)max))
                {
                    break;
                }

                if (!Reported(found, figure.Id, value))
                {
                    var baseline = (double)figure.Value;
                    var end = tokens[last].End;
                    found.Add(new FigureValue(figure.Id, value, baseline, !value.Equals(baseline), source[number.Start..end], fieldName, number.Start));
                }

                break;
            }
        }
    }

    // "doubled the number of battlegroups in the eastern part of the Alliance from four to eight": "number of", one of a
    // figure's units, then "to" and a cardinal within ChangeWindow tokens of the same sentence states the new value.
    private const int ChangeWindow = 12;

    private (int Unit, int Value)? NumberOf(TokenBuffer tokens, int i)
    {
        if (i + 3 >= tokens.Count || !tokens.Text(i).SequenceEqual("number") || !tokens.Text(i + 1).SequenceEqual("of"))
        {
            return null;
        }

        var sentence = tokens[i].Sentence;
        for (var u = 0; u < _units.Count; u++)
        {
            if (!Follows(tokens, i + 2, _units[u].Tokens, sentence))
            {
                continue;
            }

            var after = i + 2 + _units[u].Tokens.Length;
            for (var j = after; j < Math.Min(tokens.Count - 1, after + ChangeWindow); j++)
            {
                if (tokens[j].Sentence != sentence)
                {
                    break;
                }

                if (tokens.Text(j).SequenceEqual("to") && tokens[j + 1] is { IsNumber: true, Ordinal: false } && tokens[j + 1].Sentence == sentence)
                {
                    return (u, j + 1);
                }
            }

            return null;
        }

        return null;
    }

    private void ReadChange(TokenBuffer tokens, string source, string fieldName, List<ContextHit> contexts, Tagger.Field field, List<FigureValue> found, int at, (int Unit, int Value) change)
    {
        var (unit, index) = _units[change.Unit];
        var (figure, context, exclusions, _) = _figures[index];
        var number = tokens[change.Value];
        if (IsYear(tokens, source, change.Value) || Vetoed(tokens, at, at + 1 + unit.Length, _exclusions) || Vetoed(tokens, at, at + 1 + unit.Length, exclusions)
            || (context >= 0 && !InSentence(contexts, context, field, tokens, number.Sentence))
            || (figure.MinValue is { } min && number.Number < (double)min) || (figure.MaxValue is { } max && number.Number > (double)max)
            || Reported(found, figure.Id, number.Number))
        {
            return;
        }

        found.Add(new FigureValue(figure.Id, number.Number, (double)figure.Value, !number.Number.Equals((double)figure.Value), source[tokens[at].Start..number.End], fieldName, tokens[at].Start));
    }

    // "In 2014 NATO Allies agreed": four plain digits from 1900 to 2100 are a year, never a count ("2,000 troops" and
    // "2 000 troops" keep their separator and still count).
    private static bool IsYear(TokenBuffer tokens, string source, int index)
    {
        var token = tokens[index];
        if (token.Ordinal || token.Length != 4 || token.Number is < 1900 or > 2100)
        {
            return false;
        }

        foreach (var c in source.AsSpan(token.Start, 4))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // "In 1949, 12 Allies signed": a value dated by a year just before it is history, not the current figure. The end of a
    // change is not: "since 1949, NATO's membership has increased from 12 to 32 countries" states 32.
    private static bool AfterYear(TokenBuffer tokens, int number)
    {
        if (number >= 3 && tokens.Text(number - 1).SequenceEqual("to") && tokens[number - 2].IsNumber && tokens.Text(number - 3).SequenceEqual("from"))
        {
            return false;
        }

        for (var i = Math.Max(0, number - LookBehind); i < number; i++)
        {
            var token = tokens[i];
            if (token.Sentence == tokens[number].Sentence && token.IsNumber && !token.Ordinal
                && token.Number is >= 1900 and <= 2100 && token.Number % 1 == 0 && tokens.Text(i).Length == 4)
            {
                return true;
            }
        }

        return false;
    }

    // No lambdas here: a closure over the loop's token would be allocated for every token scanned.
    private static bool InSentence(List<ContextHit> contexts, int group, Tagger.Field field, TokenBuffer tokens, int sentence)
    {
        foreach (var c in contexts)
        {
            if (c.Group == group && c.Field == field && tokens[c.First].Sentence == sentence)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Reported(List<FigureValue> found, string figureId, double value)
    {
        foreach (var f in found)
        {
            if (f.FigureId == figureId && f.Value.Equals(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Follows(TokenBuffer tokens, int at, string[] unit, int sentence)
    {
        if (at + unit.Length > tokens.Count)
        {
            return false;
        }

        for (var j = 0; j < unit.Length; j++)
        {
            if (tokens[at + j].Sentence != sentence || !tokens.Text(at + j).SequenceEqual(unit[j]))
            {
                return false;
            }
        }

        return true;
    }

    // An exclusion phrase starting within LookBehind tokens before the number or LookAhead after the unit, same sentence.
    private static bool Vetoed(TokenBuffer tokens, int number, int last, string[][] exclusions)
    {
        var sentence = tokens[number].Sentence;
        var from = Math.Max(0, number - LookBehind);
        var to = Math.Min(tokens.Count - 1, last + LookAhead);
        for (var i = from; i <= to; i++)
        {
            if (tokens[i].Sentence != sentence || (i >= number && i <= last))
            {
                continue;
            }

            foreach (var phrase in exclusions)
            {
                if (Follows(tokens, i, phrase, sentence))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
