using Dapper;

namespace Monitor.Data.Backfill;

/// <summary>The states of a backfill (<c>backfill_jobs.state</c>).</summary>
public static class BackfillStates
{
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Cancelled = "cancelled";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>One backfill as stored: its range, checkpoint and totals over every run.</summary>
public sealed record BackfillJob
{
    public long Id { get; init; }

    public string SourceId { get; init; } = "";

    /// <summary>yyyy-MM-dd, the first Brussels day of the range.</summary>
    public string SinceDay { get; init; } = "";

    /// <summary>yyyy-MM-dd, the last Brussels day of the range (whole).</summary>
    public string UntilDay { get; init; } = "";

    public string State { get; init; } = BackfillStates.Running;

    /// <summary>The checkpoint: the archive page to fetch next; null once the walk is over.</summary>
    public string? NextUrl { get; init; }

    public int Pages { get; init; }

    /// <summary>Items in the range the archive pages listed (repeats across pages counted once per page).</summary>
    public long ItemsFound { get; init; }

    /// <summary>Items published into the backfill path: new, or changed since live polling or an earlier run saw them.</summary>
    public long ItemsPublished { get; init; }

    public int Failures { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Milliseconds spent walking, over every run (the rate's denominator).</summary>
    public long RunMs { get; init; }

    /// <summary>The oldest publication time reached so far: how far back the walk has come.</summary>
    public DateTimeOffset? ReachedAt { get; init; }

    /// <summary>Not claimed before this: a Retry-After or backoff.</summary>
    public DateTimeOffset NotBefore { get; init; }

    public string? LeaseOwner { get; init; }

    public DateOnly Since => DateOnly.ParseExact(SinceDay, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public DateOnly Until => DateOnly.ParseExact(UntilDay, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What one page of a walk added, written with the checkpoint in one statement.</summary>
public sealed record BackfillProgress(string? NextUrl, int Found, int Published, long RunMs, DateTimeOffset? OldestSeen);

/// <summary>
/// The <c>backfill_jobs</c> table: started by the admin API or the CLI, claimed with a lease by one Ingestion
/// process at a time, checkpointed after every page (the next page's URL), paused, resumed and cancelled by
/// changing the state (the runner sees it at its next checkpoint and stops).
/// </summary>
public sealed class BackfillStore(Database database)
{
    private const string Columns = """
        id AS Id, source_id AS SourceId, since_day AS SinceDay, until_day AS UntilDay, state AS State, next_url AS NextUrl,
        pages AS Pages, items_found AS ItemsFound, items_published AS ItemsPublished, failures AS Failures,
        last_error AS LastError, created_at AS CreatedAt, updated_at AS UpdatedAt, finished_at AS FinishedAt,
        run_ms AS RunMs, reached_at AS ReachedAt, not_before AS NotBefore, lease_owner AS LeaseOwner
        """;

    private const string InsertSql = $"""
        INSERT INTO backfill_jobs (source_id, since_day, until_day, state, next_url, created_at, updated_at)
        VALUES (@SourceId, @SinceDay, @UntilDay, 'running', @NextUrl, @Now, @Now)
        RETURNING {Columns}
        """;

    private const string ActiveSql = "SELECT id FROM backfill_jobs WHERE source_id = @SourceId AND state IN ('running', 'paused')";

    private const string ListSql = $"SELECT {Columns} FROM backfill_jobs ORDER BY id DESC LIMIT @Limit";

    private const string GetSql = $"SELECT {Columns} FROM backfill_jobs WHERE id = @Id";

    // A lease, so two Ingestion processes never walk one archive at once; an expired lease (a killed process) is
    // taken over from the last checkpoint.
    private const string ClaimSql = $"""
        UPDATE backfill_jobs SET lease_owner = @Owner, lease_until = @LeaseUntil, updated_at = @Now
        WHERE id = (
            SELECT id FROM backfill_jobs
            WHERE state = 'running' AND not_before <= @Now AND (lease_until IS NULL OR lease_until < @Now)
            ORDER BY id
            LIMIT 1)
          AND state = 'running' AND (lease_until IS NULL OR lease_until < @Now)
        RETURNING {Columns}
        """;

    private const string CheckpointSql = """
        UPDATE backfill_jobs SET
            next_url = @NextUrl,
            pages = pages + @Pages,
            items_found = items_found + @Found,
            items_published = items_published + @Published,
            run_ms = run_ms + @RunMs,
            reached_at = CASE WHEN @OldestSeen IS NULL THEN reached_at
                              WHEN reached_at IS NULL OR @OldestSeen < reached_at THEN @OldestSeen ELSE reached_at END,
            failures = 0,
            last_error = NULL,
            state = CASE WHEN @NextUrl IS NULL AND state = 'running' THEN 'done' ELSE state END,
            finished_at = CASE WHEN @NextUrl IS NULL AND state = 'running' THEN @Now ELSE finished_at END,
            lease_until = @LeaseUntil,
            updated_at = @Now
        WHERE id = @Id AND lease_owner = @Owner
        RETURNING state
        """;

    private const string FailureSql = """
        UPDATE backfill_jobs SET
            failures = failures + 1,
            last_error = @Error,
            run_ms = run_ms + @RunMs,
            not_before = @NotBefore,
            state = CASE WHEN @GiveUp = 1 AND state = 'running' THEN 'failed' ELSE state END,
            lease_owner = NULL,
            lease_until = NULL,
            updated_at = @Now
        WHERE id = @Id AND lease_owner = @Owner
        RETURNING failures
        """;

    private const string ReleaseSql = "UPDATE backfill_jobs SET lease_owner = NULL, lease_until = NULL WHERE id = @Id AND lease_owner = @Owner";

    private const string StoredSql = """
        SELECT COUNT(*) FROM statements
        WHERE source_id = @SourceId AND sort_at >= @From AND sort_at < @To
        """;

    private const string SourceSql = "SELECT adapter AS Adapter, url AS Url FROM sources WHERE id = @Id";

    private const string HistoryWantedSql = "SELECT COUNT(*) FROM subscriptions WHERE enabled = @True AND include_history = @True";

    /// <summary>The source's adapter and URL, or null when there is no such source.</summary>
    public async Task<(string Adapter, string Url)?> FindSourceAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SourceRef>(new CommandDefinition(SourceSql, new { Id = sourceId }, cancellationToken: cancellationToken));
        return row is null ? null : (row.Adapter, row.Url);
    }

    /// <summary>Starts a backfill; null when the source already has one running or paused.</summary>
    public async Task<BackfillJob?> StartAsync(string sourceId, DateOnly since, DateOnly until, Uri firstPage, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(firstPage);
        await using var connection = await database.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(ActiveSql, new { SourceId = sourceId }, cancellationToken: cancellationToken)) is not null)
        {
            return null;
        }

        try
        {
            return (await connection.QuerySingleAsync<Row>(new CommandDefinition(InsertSql, new
            {
                SourceId = sourceId,
                SinceDay = since.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                UntilDay = until.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                NextUrl = firstPage.AbsoluteUri,
                Now = Database.ToDb(now),
            }, cancellationToken: cancellationToken))).ToJob();
        }
        catch (Exception ex) when (IsUniqueViolation(ex))
        {
            // Another request started one between the check and the insert: the unique index decided.
            return null;
        }
    }

    public async Task<IReadOnlyList<BackfillJob>> ListAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(new CommandDefinition(ListSql, new { Limit = limit }, cancellationToken: cancellationToken))).Select(r => r.ToJob()).ToList();
    }

    public async Task<BackfillJob?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: cancellationToken)))?.ToJob();
    }

    /// <summary>Moves a backfill from one of <paramref name="from"/> to <paramref name="to"/>; false when it is in none of them.</summary>
    public async Task<bool> SetStateAsync(long id, IReadOnlyList<string> from, string to, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        var sql = $"""
            UPDATE backfill_jobs SET state = @To, updated_at = @Now, not_before = 0, failures = 0,
                finished_at = CASE WHEN @To = 'cancelled' THEN @Now ELSE NULL END
            WHERE id = @Id AND state {database.InList("From")}
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteAsync(new CommandDefinition(sql, new { Id = id, From = from.ToArray(), To = to, Now = Database.ToDb(now) }, cancellationToken: cancellationToken)) == 1;
        }
        catch (Exception ex) when (IsUniqueViolation(ex))
        {
            // Resuming a failed backfill while another of the same source is active.
            return false;
        }
    }

    public async Task<BackfillJob?> ClaimAsync(string owner, DateTimeOffset now, TimeSpan leaseFor, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(ClaimSql, new
        {
            Owner = owner,
            Now = Database.ToDb(now),
            LeaseUntil = Database.ToDb(now + leaseFor),
        }, cancellationToken: cancellationToken)))?.ToJob();
    }

    /// <summary>Records a page's progress and the next checkpoint; returns the job's state now (null: the lease was lost).</summary>
    public async Task<string?> CheckpointAsync(long id, string owner, BackfillProgress progress, int pages, DateTimeOffset now, TimeSpan leaseFor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(CheckpointSql, new
        {
            Id = id,
            Owner = owner,
            progress.NextUrl,
            Pages = pages,
            progress.Found,
            progress.Published,
            progress.RunMs,
            OldestSeen = Database.ToDb(progress.OldestSeen),
            Now = Database.ToDb(now),
            LeaseUntil = Database.ToDb(now + leaseFor),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>A failed page: the lease is given back, the job waits until <paramref name="notBefore"/>, or fails for good.</summary>
    public async Task RecordFailureAsync(long id, string owner, string error, long runMs, DateTimeOffset notBefore, bool giveUp, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(FailureSql, new
        {
            Id = id,
            Owner = owner,
            Error = error.Length > 1000 ? error[..1000] : error,
            RunMs = runMs,
            NotBefore = Database.ToDb(notBefore),
            GiveUp = giveUp ? 1 : 0,
            Now = Database.ToDb(now),
        }, cancellationToken: cancellationToken));
    }

    public async Task ReleaseAsync(long id, string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, new { Id = id, Owner = owner }, cancellationToken: cancellationToken));
    }

    /// <summary>Statements of the source now stored with a date in the backfill's range (backfilled or polled live).</summary>
    public async Task<long> StoredCountAsync(string sourceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(StoredSql, new
        {
            SourceId = sourceId,
            From = Database.ToDb(from),
            To = Database.ToDb(to),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Which of these items of a source are stored, as a statement of that source or as another feed's copy linked to
    /// one: the backfill's proof that a page is done (an in-memory bus loses what it held when its process is killed).
    /// </summary>
    public async Task<IReadOnlySet<string>> StoredIdsAsync(string sourceId, IReadOnlyCollection<string> externalIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(externalIds);
        if (externalIds.Count == 0)
        {
            return new HashSet<string>();
        }

        var sql = $"""
            SELECT external_id FROM statements WHERE source_id = @SourceId AND external_id {database.InList("Ids")}
            UNION
            SELECT external_id FROM statement_links WHERE source_id = @SourceId AND external_id {database.InList("Ids")}
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(sql, new { SourceId = sourceId, Ids = externalIds.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether any backfill is walking now (the background refinement waits for them to end).</summary>
    public async Task<bool> AnyRunningAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM backfill_jobs WHERE state = 'running'", cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Whether any enabled subscription asks for history, so backfilled statements must be matched too.</summary>
    public async Task<bool> HistoryWantedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(HistoryWantedSql, new { True = true }, cancellationToken: cancellationToken)) > 0;
    }

    private static bool IsUniqueViolation(Exception ex) =>
        ex is Npgsql.PostgresException { SqlState: "23505" }
        || ex is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 };

    private sealed record SourceRef(string Adapter, string Url);

    /// <summary>A <c>backfill_jobs</c> row as read (times in Unix ms); <see cref="ToJob"/> is its one mapping.</summary>
    private sealed class Row
    {
        public long Id { get; init; }

        public string SourceId { get; init; } = "";

        public string SinceDay { get; init; } = "";

        public string UntilDay { get; init; } = "";

        public string State { get; init; } = BackfillStates.Running;

        public string? NextUrl { get; init; }

        public int Pages { get; init; }

        public long ItemsFound { get; init; }

        public long ItemsPublished { get; init; }

        public int Failures { get; init; }

        public string? LastError { get; init; }

        public long CreatedAt { get; init; }

        public long UpdatedAt { get; init; }

        public long? FinishedAt { get; init; }

        public long RunMs { get; init; }

        public long? ReachedAt { get; init; }

        public long NotBefore { get; init; }

        public string? LeaseOwner { get; init; }

        public BackfillJob ToJob() => new()
        {
            Id = Id, SourceId = SourceId, SinceDay = SinceDay, UntilDay = UntilDay, State = State, NextUrl = NextUrl, Pages = Pages,
            ItemsFound = ItemsFound, ItemsPublished = ItemsPublished, Failures = Failures, LastError = LastError,
            CreatedAt = Database.FromDb(CreatedAt), UpdatedAt = Database.FromDb(UpdatedAt), FinishedAt = Database.FromDb(FinishedAt),
            RunMs = RunMs, ReachedAt = Database.FromDb(ReachedAt), NotBefore = Database.FromDb(NotBefore), LeaseOwner = LeaseOwner,
        };
    }
}
