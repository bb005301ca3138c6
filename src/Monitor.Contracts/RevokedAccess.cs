namespace Monitor.Contracts;

/// <summary>What of a user's access an <see cref="AccessRevoked"/> ends.</summary>
public enum RevokedAccess
{
    /// <summary>One sign-in session (sign-out).</summary>
    Session,

    /// <summary>One API token (deleted).</summary>
    Token,

    /// <summary>Every sign-in session of the user, not their API tokens (a new password).</summary>
    Sessions,

    /// <summary>Everything: sessions and tokens (a new role, disabled, deleted).</summary>
    User,
}
