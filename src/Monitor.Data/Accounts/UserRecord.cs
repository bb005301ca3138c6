namespace Monitor.Data.Accounts;

/// <summary>A row of <c>users</c>: a local account (with a password hash) or one signed in through OpenID Connect.</summary>
public sealed record UserRecord
{
    public long Id { get; init; }

    /// <summary>Lower-case, unique.</summary>
    public string UserName { get; init; } = "";

    public string DisplayName { get; init; } = "";

    public string? Email { get; init; }

    /// <summary>viewer, analyst or admin.</summary>
    public string Role { get; init; } = "viewer";

    /// <summary>ASP.NET Core Identity's password hash; null for a user who signs in only through OpenID Connect.</summary>
    public string? PasswordHash { get; init; }

    /// <summary><c>issuer|subject</c> of an OpenID Connect user; null for a local one.</summary>
    public string? ExternalId { get; init; }

    /// <summary>Changes with the password, the role and the disabled flag; a cookie with an older one is refused.</summary>
    public string SecurityStamp { get; init; } = "";

    public bool Disabled { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastSignInAt { get; init; }
}

/// <summary>What a new user is created with.</summary>
/// <param name="UserName">Stored lower-case.</param>
public sealed record NewUser(string UserName, string DisplayName, string? Email, string Role, string? PasswordHash, string? ExternalId = null);

/// <summary>The outcome of a change an admin makes to a user.</summary>
public enum UserChange
{
    Done,
    NotFound,

    /// <summary>Refused: it would leave no enabled admin.</summary>
    LastAdmin,
}
