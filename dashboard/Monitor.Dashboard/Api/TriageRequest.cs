using System.Security.Claims;
using Monitor.Dashboard.Auth;
using Monitor.Data.Triage;

namespace Monitor.Dashboard.Api;

/// <summary>The history's triage parameters (unread, starred, label) as the caller's <see cref="TriageFilter"/>.</summary>
public static class TriageRequest
{
    /// <returns>The filter (null when no parameter is set), or the problem with the parameters.</returns>
    public static (TriageFilter? Filter, string? Error) ToTriage(string? unread, string? starred, string? label, ClaimsPrincipal? user)
    {
        if (!IsFlag(unread))
        {
            return (null, $"'unread' must be 'true' or 'false'; got '{unread}'.");
        }

        if (!IsFlag(starred))
        {
            return (null, $"'starred' must be 'true' or 'false'; got '{starred}'.");
        }

        var unreadOnly = string.Equals(unread, "true", StringComparison.OrdinalIgnoreCase);
        var starredOnly = string.Equals(starred, "true", StringComparison.OrdinalIgnoreCase);
        string? normalized = null;
        if (!string.IsNullOrEmpty(label))
        {
            if (!TriageRules.IsLabel(label, out var value, out var error))
            {
                return (null, $"'label': {error}");
            }

            normalized = value;
        }

        if (!unreadOnly && !starredOnly && normalized is null)
        {
            return (null, null);
        }

        return user?.Identity?.IsAuthenticated == true
            ? (new TriageFilter(user.UserId(), unreadOnly, starredOnly, normalized), null)
            : (null, "'unread', 'starred' and 'label' are the signed-in user's own marks: sign in to filter by them.");
    }

    private static bool IsFlag(string? value) =>
        value is null or "" || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase);
}
