using System.Globalization;
using System.Security.Claims;
using Monitor.Dashboard.Live;
using Monitor.Data.Accounts;

namespace Monitor.Dashboard.Auth;

/// <summary>
/// The safety net behind <see cref="AccessRevocation"/>: every <see cref="AuthOptions.ConnectionRecheckInterval"/>
/// each replica checks its open hub connections against the database and aborts those whose session is gone (or its
/// user's stamp changed), or whose API token is deleted or expired, or whose user is disabled, deleted or has another
/// role. It catches what no event announced: <c>monitor users reset-password</c>, a change made in the database, an
/// expired token, an event lost while the broker was away.
/// </summary>
public sealed partial class ConnectionRecheck(
    LiveHubLifetimeManager hub, SessionStore sessions, ApiTokenStore tokens, AuthOptions options, TimeProvider time, ILogger<ConnectionRecheck> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ConnectionRecheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RecheckAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    /// <returns>How many connections were aborted.</returns>
    public async Task<int> RecheckAsync(CancellationToken cancellationToken)
    {
        var aborted = 0;
        foreach (var connection in hub.Snapshot())
        {
            if (connection.User is { Identity.IsAuthenticated: true } user && !await IsLiveAsync(user, cancellationToken))
            {
                connection.Abort();
                aborted++;
            }
        }

        if (aborted > 0)
        {
            LogAborted(logger, aborted);
        }

        return aborted;
    }

    private async Task<bool> IsLiveAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (user.FindFirstValue(AuthSetup.SessionClaim) is { } session)
        {
            // A new password, role or disabled flag deletes the session rows, so the row alone decides.
            return await sessions.FindUserAsync(session, now, options.CookieLifetime, cancellationToken) is { } current
                && current.Id.ToString(CultureInfo.InvariantCulture) == id
                && current.SecurityStamp == user.FindFirstValue(AuthSetup.StampClaim);
        }

        // A token outlives a new password (see README, "API tokens and a new password") but not a new role.
        return long.TryParse(user.FindFirstValue(AuthSetup.TokenClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var tokenId)
            && await tokens.FindUserByTokenIdAsync(tokenId, now, cancellationToken) is { } owner
            && owner.Id.ToString(CultureInfo.InvariantCulture) == id
            && owner.Role == user.FindFirstValue(ClaimTypes.Role);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Connections} hub connections whose session, token or user ended")]
    private static partial void LogAborted(ILogger logger, int connections);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-checking the hub connections failed; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
