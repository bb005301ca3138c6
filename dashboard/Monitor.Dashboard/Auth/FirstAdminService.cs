using Monitor.Data.Accounts;

namespace Monitor.Dashboard.Auth;

/// <summary>
/// At start (after the migrations): when there is no admin, creates the user <c>admin</c> with a generated password
/// and writes it once to the log. There is no default password. Replicas starting together race on one insert; only
/// the one whose insert won logs the password.
/// </summary>
public sealed partial class FirstAdminService(UserStore users, TimeProvider time, ILogger<FirstAdminService> logger) : IHostedService
{
    public const string UserName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await users.CountEnabledAdminsAsync(cancellationToken) > 0)
        {
            return;
        }

        var password = Passwords.Generate();
        if (await users.CreateFirstAdminAsync(UserName, Passwords.Hash(password), time.GetUtcNow(), cancellationToken) is not null)
        {
            LogCreated(logger, password);
        }
        else if (await users.CountEnabledAdminsAsync(cancellationToken) == 0)
        {
            LogNoAdmin(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first administrator \"admin\" with password {Password}; sign in and change it.")]
    private static partial void LogCreated(ILogger logger, string password);

    [LoggerMessage(Level = LogLevel.Warning, Message = "There is no enabled administrator, and the user name \"admin\" is taken by a user who is not one: no first administrator was created. Give a user the role admin in the users table.")]
    private static partial void LogNoAdmin(ILogger logger);
}
