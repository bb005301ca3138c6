namespace Monitor.Contracts;

/// <summary>
/// A user's access ended, in part or whole: every dashboard replica closes the hub connections it covers (the HTTP
/// side needs no event: each request checks its session or token in the database).
/// </summary>
/// <param name="SessionHash">For <see cref="RevokedAccess.Session"/>: the SHA-256 of the ended session's id.</param>
/// <param name="TokenId">For <see cref="RevokedAccess.Token"/>: the deleted API token's id.</param>
/// <param name="Reason">For the log: "signed out", "password changed", "role changed", ...</param>
public sealed record AccessRevoked(long UserId, RevokedAccess Scope, string? SessionHash, long? TokenId, string Reason, DateTimeOffset RevokedAt);
