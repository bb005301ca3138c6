using Dapper;

namespace Monitor.Data.Triage;

/// <summary>
/// The history's per-user filters (docs/history.md): only what the user has not read, only their starred statements,
/// only those they gave a label. Parts combine with AND; the user is the signed-in caller, never a parameter.
/// </summary>
public sealed record TriageFilter(long UserId, bool UnreadOnly, bool StarredOnly, string? Label)
{
    /// <summary>The WHERE fragments for these filters on the statement id column <paramref name="id"/> (s.id or t.statement_id).</summary>
    internal void AddClauses(string id, List<string> clauses, DynamicParameters parameters)
    {
        parameters.Add("TriageUser", UserId);
        if (UnreadOnly)
        {
            // Most statements are unread: walking the date order and skipping the few read ones finds a page soon.
            clauses.Add($"NOT EXISTS (SELECT 1 FROM statement_marks m WHERE m.user_id = @TriageUser AND m.statement_id = {id} AND m.read_at IS NOT NULL)");
        }

        // Stars and labels are few: IN lets the planner start from the user's rows (an index range) and sort them,
        // rather than walking every statement by date and probing each one.
        if (StarredOnly)
        {
            clauses.Add($"{id} IN (SELECT m.statement_id FROM statement_marks m WHERE m.user_id = @TriageUser AND m.starred_at IS NOT NULL)");
        }

        if (Label is not null)
        {
            clauses.Add($"{id} IN (SELECT l.statement_id FROM statement_labels l WHERE l.user_id = @TriageUser AND l.label = @TriageLabel)");
            parameters.Add("TriageLabel", Label);
        }
    }
}
