using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Monitor.Data;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.HistoryBenchmark;

/// <summary>
/// Fills a migrated, empty store fast: PostgreSQL through binary COPY (one per table), SQLite in one transaction of
/// prepared inserts. Each statement gets revision 1, its topics and, now and then, a drifting figure.
/// </summary>
public static class StatementLoader
{
    public static async Task LoadAsync(Database database, string connectionString, IEnumerable<SyntheticStatement> statements, long now)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await LoadPostgresAsync(connectionString, statements, now);
        }
        else
        {
            await LoadSqliteAsync(database, statements, now);
        }
    }

    private static async Task LoadPostgresAsync(string connectionString, IEnumerable<SyntheticStatement> statements, long now)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var batch = new List<SyntheticStatement>(50_000);
        foreach (var statement in statements)
        {
            batch.Add(statement);
            if (batch.Count == batch.Capacity)
            {
                await CopyBatchAsync(connection, batch, now);
                batch.Clear();
            }
        }

        await CopyBatchAsync(connection, batch, now);
        await connection.ExecuteAsync("SELECT setval(pg_get_serial_sequence('statements', 'id'), (SELECT COALESCE(MAX(id), 1) FROM statements))");
        // VACUUM sets the visibility map, so the topic index answers charts without visiting the table.
        await connection.ExecuteAsync("VACUUM ANALYZE statements");
        await connection.ExecuteAsync("VACUUM ANALYZE statement_topics");
        await connection.ExecuteAsync("VACUUM ANALYZE statement_figures");
    }

    private static async Task CopyBatchAsync(NpgsqlConnection connection, List<SyntheticStatement> batch, long now)
    {
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY statements (id, source_id, external_id, url, title, summary, body, language, published_at, first_seen_at, updated_at, current_revision, content_hash, document_type) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var s in batch)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(s.Id, NpgsqlDbType.Bigint);
                await copy.WriteAsync(s.SourceId, NpgsqlDbType.Text);
                await copy.WriteAsync(s.ExternalId, NpgsqlDbType.Text);
                await copy.WriteAsync($"https://example.org/{s.ExternalId}", NpgsqlDbType.Text);
                await copy.WriteAsync(s.Title, NpgsqlDbType.Text);
                await copy.WriteAsync(s.Summary, NpgsqlDbType.Text);
                await copy.WriteAsync(s.Body, NpgsqlDbType.Text);
                await copy.WriteAsync(s.Language, NpgsqlDbType.Text);
                await copy.WriteAsync(s.PublishedAt, NpgsqlDbType.Bigint);
                await copy.WriteAsync(s.PublishedAt, NpgsqlDbType.Bigint);
                await copy.WriteAsync(s.PublishedAt, NpgsqlDbType.Bigint);
                await copy.WriteAsync(1, NpgsqlDbType.Integer);
                await copy.WriteAsync($"gen-{s.Id}", NpgsqlDbType.Text);
                await copy.WriteAsync(s.DocumentType, NpgsqlDbType.Text);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY statement_revisions (statement_id, revision, content_hash, title, summary, body, published_at, discovered_at, stored_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var s in batch)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(s.Id, NpgsqlDbType.Bigint);
                await copy.WriteAsync(1, NpgsqlDbType.Integer);
                await copy.WriteAsync($"gen-{s.Id}", NpgsqlDbType.Text);
                await copy.WriteAsync(s.Title, NpgsqlDbType.Text);
                await copy.WriteAsync(s.Summary, NpgsqlDbType.Text);
                await copy.WriteAsync(s.Body, NpgsqlDbType.Text);
                await copy.WriteAsync(s.PublishedAt, NpgsqlDbType.Bigint);
                await copy.WriteAsync(s.PublishedAt, NpgsqlDbType.Bigint);
                await copy.WriteAsync(now, NpgsqlDbType.Bigint);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY statement_topics (statement_id, revision, topic_id, score, evidence, baseline_version) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var s in batch)
            {
                foreach (var (topicId, score, term) in s.Topics)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(s.Id, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(1, NpgsqlDbType.Integer);
                    await copy.WriteAsync(topicId, NpgsqlDbType.Text);
                    await copy.WriteAsync(score, NpgsqlDbType.Double);
                    await copy.WriteAsync(JsonSerializer.Serialize(new[] { term }), NpgsqlDbType.Text);
                    await copy.WriteAsync("generated", NpgsqlDbType.Text);
                }
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY statement_figures (statement_id, revision, figure_id, value, baseline, drift, evidence, field, evidence_start) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var s in batch.Where(s => s.Drift))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(s.Id, NpgsqlDbType.Bigint);
                await copy.WriteAsync(1, NpgsqlDbType.Integer);
                await copy.WriteAsync("allies-count", NpgsqlDbType.Text);
                await copy.WriteAsync(32.0, NpgsqlDbType.Double);
                await copy.WriteAsync(30.0, NpgsqlDbType.Double);
                await copy.WriteAsync(1, NpgsqlDbType.Integer);
                await copy.WriteAsync("32 Allies", NpgsqlDbType.Text);
                await copy.WriteAsync("body", NpgsqlDbType.Text);
                await copy.WriteAsync(0, NpgsqlDbType.Integer);
            }

            await copy.CompleteAsync();
        }
    }

    private static async Task LoadSqliteAsync(Database database, IEnumerable<SyntheticStatement> statements, long now)
    {
        await using var connection = (SqliteConnection)await database.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var insertStatement = Prepare(connection, transaction, """
            INSERT INTO statements (id, source_id, external_id, url, title, summary, body, language, published_at, first_seen_at, updated_at, current_revision, content_hash, document_type)
            VALUES ($id, $source, $external, $url, $title, $summary, $body, $language, $published, $published, $published, 1, $hash, $type)
            """, "$id", "$source", "$external", "$url", "$title", "$summary", "$body", "$language", "$published", "$hash", "$type");
        var insertRevision = Prepare(connection, transaction, """
            INSERT INTO statement_revisions (statement_id, revision, content_hash, title, summary, body, published_at, discovered_at, stored_at)
            VALUES ($id, 1, $hash, $title, $summary, $body, $published, $published, $now)
            """, "$id", "$hash", "$title", "$summary", "$body", "$published", "$now");
        var insertTopic = Prepare(connection, transaction, """
            INSERT INTO statement_topics (statement_id, revision, topic_id, score, evidence, baseline_version)
            VALUES ($id, 1, $topic, $score, $evidence, 'generated')
            """, "$id", "$topic", "$score", "$evidence");
        var insertFigure = Prepare(connection, transaction, """
            INSERT INTO statement_figures (statement_id, revision, figure_id, value, baseline, drift, evidence, field, evidence_start)
            VALUES ($id, 1, 'allies-count', 32, 30, 1, '32 Allies', 'body', 0)
            """, "$id");
        foreach (var s in statements)
        {
            Run(insertStatement, s.Id, s.SourceId, s.ExternalId, $"https://example.org/{s.ExternalId}", s.Title, s.Summary, s.Body, s.Language, s.PublishedAt, $"gen-{s.Id}", s.DocumentType);
            Run(insertRevision, s.Id, $"gen-{s.Id}", s.Title, s.Summary, s.Body, s.PublishedAt, now);
            foreach (var (topicId, score, term) in s.Topics)
            {
                Run(insertTopic, s.Id, topicId, score, JsonSerializer.Serialize(new[] { term }));
            }

            if (s.Drift)
            {
                Run(insertFigure, s.Id);
            }
        }

        await transaction.CommitAsync();
        await connection.ExecuteAsync("ANALYZE main");
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Run(DbCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }
}
