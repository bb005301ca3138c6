using System.Globalization;
using System.Security.Claims;
using MassTransit;
using Monitor.Contracts;
using Monitor.Dashboard.Live;
using Monitor.Data.Accounts;

namespace Monitor.Dashboard.Auth;

/// <summary>
/// Ends the hub connections of a session, token or user that has ended. HTTP needs nothing more (every request checks
/// its session or token in the database), but a hub connection is authenticated once, when it opens. The connections
/// on this replica are aborted at once; <see cref="AccessRevoked"/> goes over the bus to every replica's temporary
/// queue, where <see cref="Consumers.CloseRevokedConnectionsConsumer"/> aborts theirs.
/// </summary>
public sealed partial class AccessRevocation(LiveHubLifetimeManager hub, IBus bus, TimeProvider time, ILogger<AccessRevocation> logger)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);

    public async Task RevokeAsync(long userId, RevokedAccess scope, string reason, string? sessionId = null, long? tokenId = null,
        CancellationToken cancellationToken = default)
    {
        var revoked = new AccessRevoked(userId, scope, sessionId is null ? null : SessionStore.Hash(sessionId), tokenId, reason, time.GetUtcNow());
        Close(revoked);

        // The change is in the database already: a broker that is away must not fail or hang the request. The other
        // replicas then close the connections at their next re-check (ConnectionRecheck) instead.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        try
        {
            await bus.Publish(revoked, timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, ex, userId, reason);
        }
    }

    /// <summary>Aborts this replica's connections that <paramref name="revoked"/> covers.</summary>
    public int Close(AccessRevoked revoked)
    {
        ArgumentNullException.ThrowIfNull(revoked);
        var closed = hub.Abort(user => Covers(revoked, user));
        if (closed > 0)
        {
            LogClosed(logger, closed, revoked.UserId, revoked.Reason);
        }

        return closed;
    }

    /// <summary>True when <paramref name="user"/> (a connection's principal) is of the ended session, token or user.</summary>
    public static bool Covers(AccessRevoked revoked, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(revoked);
        ArgumentNullException.ThrowIfNull(user);
        if (user.FindFirstValue(ClaimTypes.NameIdentifier) != revoked.UserId.ToString(CultureInfo.InvariantCulture))
        {
            return false;
        }

        var session = user.FindFirstValue(AuthSetup.SessionClaim);
        return revoked.Scope switch
        {
            RevokedAccess.User => true,
            RevokedAccess.Sessions => session is not null,
            RevokedAccess.Session => session is not null && SessionStore.Hash(session) == revoked.SessionHash,
            RevokedAccess.Token => revoked.TokenId is { } id && user.FindFirstValue(AuthSetup.TokenClaim) == id.ToString(CultureInfo.InvariantCulture),
            _ => false,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not announce the end of access of user {UserId} ({Reason}) to the other replicas; they close its hub connections at their next re-check")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, long userId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Connections} hub connections of user {UserId}: {Reason}")]
    private static partial void LogClosed(ILogger logger, int connections, long userId, string reason);
}
