using Dapper;

namespace Monitor.Data.Sources;

/// <summary>What seeding did with the configured sources.</summary>
public sealed record SeedResult(IReadOnlyList<string> Added, IReadOnlyList<string> Kept, IReadOnlyList<string> RemovedByUser);

/// <summary>
/// Managing the sources table: add, pause, resume, remove (the admin API), and seeding the configured sources once
/// (<c>source_seeds</c>), so a user's removal or pause survives restarts. Polling state stays with <see cref="SourceStore"/>.
/// </summary>
public sealed class SourceAdminStore(Database database)
{
    private const string InsertSql = """
        INSERT INTO sources (id, name, url, adapter, poll_interval_seconds, next_poll_at)
        VALUES (@Id, @Name, @Url, @Adapter, @PollIntervalSeconds, @Now)
        ON CONFLICT (id) DO NOTHING
        """;

    // Seeding a source first configured, or configured again after its table row was lost: the configuration wins
    // for what it says (name, url, adapter, interval); pause and polling state are the table's.
    private const string SeedSql = """
        INSERT INTO sources (id, name, url, adapter, poll_interval_seconds, next_poll_at)
        VALUES (@Id, @Name, @Url, @Adapter, @PollIntervalSeconds, @Now)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, adapter = excluded.adapter,
                                       poll_interval_seconds = excluded.poll_interval_seconds
        """;

    // An already seeded source: follow a changed configuration, but never bring back a removed one.
    private const string RefreshSql = """
        UPDATE sources SET name = @Name, url = @Url, adapter = @Adapter, poll_interval_seconds = @PollIntervalSeconds
        WHERE id = @Id
        """;

    public async Task<SeedResult> SeedAsync(IEnumerable<SourceDefinition> configured, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configured);
        List<string> added = [], kept = [], removed = [];
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var source in configured)
        {
            var parameters = new { source.Id, source.Name, source.Url, source.Adapter, source.PollIntervalSeconds, Now = Database.ToDb(now) };
            var seeded = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO source_seeds (id, seeded_at) VALUES (@Id, @Now) ON CONFLICT (id) DO NOTHING", parameters, transaction, cancellationToken: cancellationToken));
            if (seeded == 1)
            {
                await connection.ExecuteAsync(new CommandDefinition(SeedSql, parameters, transaction, cancellationToken: cancellationToken));
                added.Add(source.Id);
            }
            else if (await connection.ExecuteAsync(new CommandDefinition(RefreshSql, parameters, transaction, cancellationToken: cancellationToken)) == 1)
            {
                kept.Add(source.Id);
            }
            else
            {
                removed.Add(source.Id);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new SeedResult(added, kept, removed);
    }

    /// <returns>False when a source with that id exists already.</returns>
    public async Task<bool> AddAsync(SourceDefinition source, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { source.Id, source.Name, source.Url, source.Adapter, source.PollIntervalSeconds, Now = Database.ToDb(now) },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Pauses or resumes a source; a resumed source is due at once.</summary>
    /// <returns>False when there is no such source.</returns>
    public async Task<bool> SetEnabledAsync(string id, bool enabled, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string Sql = """
            UPDATE sources SET enabled = @Enabled,
                               next_poll_at = CASE WHEN @Enabled AND NOT enabled THEN @Now ELSE next_poll_at END
            WHERE id = @Id
            """;
        return await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = id, Enabled = enabled, Now = Database.ToDb(now) }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Removes a source. Its statements stay (history), and so does what Ingestion remembers of its items, so adding
    /// it again later does not republish them.
    /// </summary>
    /// <returns>False when there is no such source.</returns>
    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM source_polls WHERE source_id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken));
        var removed = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM sources WHERE id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken)) == 1;
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    /// <summary>
    /// Changes a source's name, URL, adapter and interval. A changed URL or adapter forgets the validators of the old
    /// feed (ETag, Last-Modified) and makes the source due at once, so the next poll reads the new feed whole.
    /// </summary>
    /// <returns>False when there is no such source.</returns>
    public async Task<bool> UpdateAsync(SourceDefinition source, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        const string Sql = """
            UPDATE sources SET
                etag = CASE WHEN url <> @Url OR adapter <> @Adapter THEN NULL ELSE etag END,
                last_modified = CASE WHEN url <> @Url OR adapter <> @Adapter THEN NULL ELSE last_modified END,
                next_poll_at = CASE WHEN url <> @Url OR adapter <> @Adapter THEN @Now ELSE next_poll_at END,
                name = @Name, url = @Url, adapter = @Adapter, poll_interval_seconds = @PollIntervalSeconds
            WHERE id = @Id
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(Sql,
            new { source.Id, source.Name, source.Url, source.Adapter, source.PollIntervalSeconds, Now = Database.ToDb(now) },
            cancellationToken: cancellationToken)) == 1;
    }
}
