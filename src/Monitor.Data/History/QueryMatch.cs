using Dapper;
using Monitor.Core.Search;

namespace Monitor.Data.History;

/// <summary>
/// Whether one stored statement's current text matches a full-text query, asked with the history search's own SQL
/// (<see cref="HistorySql"/>): a subscription's query means exactly what the same query means in a history search,
/// on PostgreSQL and on SQLite.
/// </summary>
public sealed class QueryMatch(Database database)
{
    private readonly HistorySql _sql = new(database);

    /// <summary>Why <paramref name="query"/> is not valid search syntax, or null when it is (an API turns this into a 400).</summary>
    public static string? Validate(string? query)
    {
        if (query is null)
        {
            return null;
        }

        try
        {
            TextQuery.Parse(query);
            return null;
        }
        catch (QuerySyntaxException ex)
        {
            return ex.Message;
        }
    }

    /// <returns>True when statement <paramref name="statementId"/> exists and its current text matches <paramref name="query"/>.</returns>
    public async Task<bool> MatchesAsync(long statementId, TextQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new HistoryFilter { Text = query };
        var (where, parameters) = _sql.Where(filter);
        parameters.Add("StatementId", statementId);
        var sql = $"""
            SELECT COUNT(*) FROM {_sql.From(filter)}
            WHERE s.id = @StatementId
              AND {where}
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)) > 0;
    }
}
