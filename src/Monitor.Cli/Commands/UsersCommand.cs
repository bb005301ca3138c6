using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Monitor.Data;
using Monitor.Data.Accounts;

namespace Monitor.Cli.Commands;

/// <summary>
/// <c>monitor users reset-password &lt;name&gt;</c>: a new generated password for a user, written straight into the
/// database, for the admin who lost theirs. It ends the user's sessions (a new security stamp). The database is the
/// dashboard's: <c>--provider</c> and <c>--connection-string</c>, or the variables <c>Database__Provider</c> and
/// <c>Database__ConnectionString</c> the services read.
/// </summary>
internal static class UsersCommand
{
    // As the dashboard generates them: no look-alikes, 24 characters.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public static Command Create()
    {
        var command = new Command("users", "Manage dashboard users directly in the database (when no admin can sign in).");
        command.Subcommands.Add(ResetPassword());
        return command;
    }

    private static Command ResetPassword()
    {
        var name = new Argument<string>("name") { Description = "The user name." };
        var provider = new Option<DatabaseProvider>("--provider")
        {
            Description = "Sqlite or Postgres (default: Database__Provider, else Sqlite).",
            DefaultValueFactory = _ => Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable("Database__Provider"), true, out var p) ? p : DatabaseProvider.Sqlite,
        };
        var connection = new Option<string>("--connection-string")
        {
            Description = "The database (default: Database__ConnectionString, else the embedded default Data Source=data/monitor.db).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Database__ConnectionString") is { Length: > 0 } c ? c : new DatabaseOptions().ConnectionString,
        };
        var command = new Command("reset-password", "Give a user a new generated password (printed once) and end their sessions.") { name, provider, connection };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new DatabaseOptions { Provider = parse.GetValue(provider), ConnectionString = parse.GetValue(connection)! };
            if (options.Provider == DatabaseProvider.Sqlite && !File.Exists(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource))
            {
                await Console.Error.WriteLineAsync($"error: no database at '{options.ConnectionString}'; pass --connection-string (run it where the dashboard runs).");
                return 2;
            }

            var users = new UserStore(new Database(options));
            try
            {
                if (await users.FindByNameAsync(parse.GetValue(name)!, cancellationToken) is not { } user)
                {
                    await Console.Error.WriteLineAsync($"error: there is no user named '{parse.GetValue(name)}'.");
                    return 1;
                }

                var password = RandomNumberGenerator.GetString(Alphabet, 24);
                await users.SetPasswordAsync(user.Id, new PasswordHasher<UserRecord>().HashPassword(user, password), cancellationToken);
                Console.Out.WriteLine($"New password of {user.UserName} ({user.Role}{(user.Disabled ? ", disabled" : "")}): {password}");
                return 0;
            }
            catch (System.Data.Common.DbException ex)
            {
                await Console.Error.WriteLineAsync($"error: cannot use the database: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
