using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;

namespace Monitor.Data.Migrations;

/// <summary>
/// Applies the numbered scripts under Migrations/&lt;Dialect&gt;/ in order, one transaction per script, recording each in
/// <c>schema_version</c>. Safe when several processes start at once: PostgreSQL takes an advisory lock,
/// SQLite's BEGIN IMMEDIATE serialises writers.
/// </summary>
public sealed partial class Migrator(Database database)
{
    // Any constant works; it only has to be the same in every process of the deployment.
    private const long AdvisoryLockKey = 0x4D6F6E69746F72;

    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scripts = LoadScripts(database.Provider);
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@Key)", new { Key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        }
        else
        {
            // WAL lets readers (the dashboard) run beside the writer; it is a property of the file.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL");
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)",
                cancellationToken: cancellationToken));

            var applied = new List<int>();
            foreach (var (version, sql) in scripts)
            {
                // SQLite ignores PRAGMA foreign_keys inside a transaction: it is switched before BEGIN and back after.
                var foreignKeysOff = database.Provider == DatabaseProvider.Sqlite && sql.StartsWith(ForeignKeysOffMarker, StringComparison.Ordinal);
                if (foreignKeysOff)
                {
                    await connection.ExecuteAsync("PRAGMA foreign_keys = OFF");
                }

                try
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                        "SELECT COUNT(*) FROM schema_version WHERE version = @Version", new { Version = version }, transaction, cancellationToken: cancellationToken));
                    if (done > 0)
                    {
                        continue;
                    }

                    await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
                    if (foreignKeysOff)
                    {
                        await CheckForeignKeysAsync(connection, transaction, version, cancellationToken);
                    }

                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO schema_version (version, applied_at) VALUES (@Version, @AppliedAt)",
                        new { Version = version, AppliedAt = Database.ToDb(DateTimeOffset.UtcNow) }, transaction, cancellationToken: cancellationToken));
                    await transaction.CommitAsync(cancellationToken);
                    applied.Add(version);
                }
                finally
                {
                    if (foreignKeysOff)
                    {
                        await connection.ExecuteAsync("PRAGMA foreign_keys = ON");
                    }
                }
            }

            return applied;
        }
        finally
        {
            if (database.Provider == DatabaseProvider.Postgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@Key)", new { Key = AdvisoryLockKey });
            }
        }
    }

    /// <summary>
    /// The first line of a SQLite script that rebuilds a table others refer to: it runs with foreign keys off (so
    /// dropping the old table cascades to nothing), and every reference is checked before it commits.
    /// </summary>
    public const string ForeignKeysOffMarker = "-- migrator: foreign_keys off";

    private static async Task CheckForeignKeysAsync(DbConnection connection, DbTransaction transaction, int version, CancellationToken cancellationToken)
    {
        var broken = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT \"table\" FROM pragma_foreign_key_check", transaction: transaction, cancellationToken: cancellationToken))).ToList();
        if (broken.Count > 0)
        {
            throw new InvalidOperationException(
                $"Migration {version} would leave rows that refer to missing rows, in {string.Join(", ", broken.Distinct(StringComparer.Ordinal))}.");
        }
    }

    public static IReadOnlyList<(int Version, string Sql)> LoadScripts(DatabaseProvider provider)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{typeof(Migrator).Namespace}.{provider}.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => (Version: ParseVersion(name[prefix.Length..]), Sql: Read(assembly, name)))
            .OrderBy(script => script.Version)
            .ToList();
    }

    private static int ParseVersion(string fileName)
    {
        var match = VersionPattern().Match(fileName);
        return match.Success
            ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Migration script '{fileName}' must start with a number, e.g. 0002_add_index.sql.");
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^_?(\d+)_")]
    private static partial Regex VersionPattern();
}
