using System.Globalization;
using System.Security.Claims;

namespace Monitor.Dashboard.Auth;

/// <summary>
/// Who may do what. Roles, from least to most: viewer (reads, inbox, API tokens), analyst (also owns subscriptions),
/// admin (also manages sources, users and re-tagging). <see cref="Read"/> admits anonymous callers when
/// <c>Auth:AnonymousRead</c> is on (the default in the embedded setup).
/// </summary>
public static class MonitorPolicies
{
    /// <summary>Live view, history, topics, sources' health: anyone signed in, or anyone when anonymous read is on.</summary>
    public const string Read = "read";

    /// <summary>Any signed-in user (inbox, own account, tokens).</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Analysts and admins: subscriptions and their deliveries.</summary>
    public const string Subscribe = "subscribe";

    /// <summary>Admins only: sources, users, re-tagging.</summary>
    public const string Admin = "admin";
}

/// <summary>The role names stored in <c>users.role</c> and carried in the role claim.</summary>
public static class MonitorRoles
{
    public const string Viewer = "viewer";
    public const string Analyst = "analyst";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Analyst, Admin];
}

public static class MonitorClaims
{
    /// <summary>The signed-in user's id (<c>users.id</c>), from the name identifier claim; SignalR's user id too.</summary>
    public static long UserId(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var value = user.FindFirstValue(ClaimTypes.NameIdentifier);
        return value is not null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidOperationException("The request has no signed-in user; the endpoint must require authorization.");
    }
}
