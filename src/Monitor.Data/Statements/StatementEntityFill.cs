using Dapper;

namespace Monitor.Data.Statements;

/// <summary>
/// Finds the entities of statements stored before migration 0018 (they have no <c>statement_entities</c> rows), a page
/// at a time in id order, each page written in one transaction. Run it once after upgrading (<c>monitor entities fill</c>);
/// statements stored since have theirs from Persistence.
/// </summary>
public sealed class StatementEntityFill(Database database)
{
    private const string PageSql = """
        SELECT s.id AS Id, s.title AS Title, s.summary AS Summary, s.body AS Body FROM statements s
        WHERE s.id > @After AND NOT EXISTS (SELECT 1 FROM statement_entities e WHERE e.statement_id = s.id)
        ORDER BY s.id
        LIMIT @Limit
        """;

    /// <returns>How many statements were read and how many entity rows written.</returns>
    public async Task<(int Statements, int Rows)> FillAsync(int pageSize = 500, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var (statements, rows) = (0, 0);
        long after = 0;
        while (true)
        {
            List<Row> page;
            await using (var reader = await database.OpenAsync(cancellationToken))
            {
                page = [.. await reader.QueryAsync<Row>(new CommandDefinition(PageSql, new { After = after, Limit = pageSize }, cancellationToken: cancellationToken))];
            }

            if (page.Count == 0)
            {
                return (statements, rows);
            }

            var found = page.SelectMany(r => StatementStore.EntitiesOf(r.Title, r.Summary, r.Body)
                .Select(e => (r.Id, e))).ToList();
            await WriteAsync(found, cancellationToken);

            statements += page.Count;
            rows += found.Count;
            after = page[^1].Id;
        }
    }

    // SQLite: a background writer's turn at the process's write gate, as backfill takes.
    private async Task WriteAsync(List<(long, string)> rows, CancellationToken cancellationToken)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            using var turn = await database.WriteGate.EnterAsync(true, cancellationToken);
            await WriteInTransactionAsync(rows, cancellationToken);
        }
        else
        {
            await WriteInTransactionAsync(rows, cancellationToken);
        }
    }

    private async Task WriteInTransactionAsync(List<(long, string)> rows, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await StatementStore.WriteEntityRowsAsync(connection, transaction, database.Provider, rows);
        await transaction.CommitAsync(cancellationToken);
    }

    private sealed class Row
    {
        public long Id { get; init; }

        public string Title { get; init; } = "";

        public string? Summary { get; init; }

        public string? Body { get; init; }
    }
}
