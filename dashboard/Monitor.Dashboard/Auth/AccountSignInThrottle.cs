using System.Threading.RateLimiting;
using Monitor.Data.Accounts;

namespace Monitor.Dashboard.Auth;

/// <summary>
/// Failed sign-ins counted per account (the user name as typed, normalised), beside the per-address limit: guesses at
/// one account spread over many addresses stop after <see cref="AuthOptions.AccountSignInFailureLimit"/> failures in
/// <see cref="AuthOptions.AccountSignInWindow"/>. Only failures count, so a user who signs in is never slowed. While
/// an account is throttled every attempt is refused, the right password too; the window then lets it try again.
/// Counted per dashboard process (with N replicas behind a round-robin proxy an attacker gets at most N times the
/// limit); a user name that does not exist is counted the same, so the answer tells nothing about which exist.
/// </summary>
public sealed class AccountSignInThrottle : IDisposable
{
    private const int MaxKeyLength = 64;
    private readonly PartitionedRateLimiter<string> _failures;

    public AccountSignInThrottle(AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Window = options.AccountSignInWindow;
        _failures = PartitionedRateLimiter.Create<string, string>(userName => RateLimitPartition.GetFixedWindowLimiter(userName,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, options.AccountSignInFailureLimit), Window = options.AccountSignInWindow, QueueLimit = 0 }));
    }

    public TimeSpan Window { get; }

    /// <summary>True when the account has used up its failures in this window: refuse the attempt unchecked.</summary>
    public bool IsThrottled(string userName) => _failures.GetStatistics(Key(userName))?.CurrentAvailablePermits is <= 0;

    public void RecordFailure(string userName)
    {
        using var lease = _failures.AttemptAcquire(Key(userName));
    }

    public void Dispose() => _failures.Dispose();

    private static string Key(string userName)
    {
        var key = UserStore.Normalize(userName);
        return key.Length > MaxKeyLength ? key[..MaxKeyLength] : key;
    }
}
