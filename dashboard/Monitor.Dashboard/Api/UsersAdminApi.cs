using System.Security.Claims;
using System.Text.RegularExpressions;
using Monitor.Contracts;
using Monitor.Dashboard.Auth;
using Monitor.Data.Accounts;
using Monitor.Data.Alerts;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/admin/users</c> (admins only): list, create (with a generated password shown once), change role, disabled
/// flag, email and display name, reset a password, delete; list and remove any user's subscriptions. The last enabled admin cannot be demoted, disabled or
/// deleted (409). A new role, the disabled flag, a new password or deletion ends the user's sessions at once and
/// closes their hub connections on every replica.
/// </summary>
public static partial class UsersAdminApi
{
    public const string Path = "/api/admin/users";

    public sealed record CreateUserRequest(string? UserName, string? DisplayName, string? Email, string? Role);

    /// <param name="Email">A new address; an empty string removes it; null leaves it.</param>
    public sealed record UpdateUserRequest(string? Role, bool? Disabled, string? Email, string? DisplayName);

    /// <param name="HasPassword">False for a user who signs in only through OpenID Connect.</param>
    /// <param name="External">Signs in through OpenID Connect.</param>
    /// <param name="SuspendedSubscriptions">The user's subscriptions kept but not running: their role (viewer) or disabled flag allows none.</param>
    public sealed record UserView(long Id, string UserName, string DisplayName, string? Email, string Role, bool Disabled, bool HasPassword,
        bool External, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt, int SuspendedSubscriptions = 0);

    /// <param name="Password">Generated; shown here once.</param>
    public sealed record CreatedUserView(UserView User, string Password);

    public sealed record PasswordView(string Password);

    public static WebApplication MapUsersAdminApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var users = app.MapGroup(Path).WithTags("Users").RequireAuthorization(MonitorPolicies.Admin);
        users.MapGet("/", List);
        users.MapGet("/{id:long}", Get);
        users.MapPost("/", Create);
        users.MapPatch("/{id:long}", Update);
        users.MapPost("/{id:long}/reset-password", ResetPassword);
        users.MapDelete("/{id:long}", Delete);
        users.MapGet("/{id:long}/subscriptions", ListSubscriptions);
        users.MapDelete("/{id:long}/subscriptions/{subscriptionId:long}", DeleteSubscription);
        return app;
    }

    private static async Task<IEnumerable<UserView>> List(UserStore users, SubscriptionStore subscriptions, CancellationToken cancellationToken)
    {
        var suspended = await subscriptions.CountSuspendedAsync(cancellationToken);
        return (await users.ListAsync(cancellationToken)).Select(u => View(u) with { SuspendedSubscriptions = suspended.GetValueOrDefault(u.Id) });
    }

    private static async Task<IResult> Get(long id, UserStore users, SubscriptionStore subscriptions, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id, cancellationToken) is not { } user)
        {
            return UnknownUser(id);
        }

        var suspended = (await subscriptions.ListForUserAsync(id, cancellationToken)).Count(s => s.Suspended);
        return TypedResults.Ok(View(user) with { SuspendedSubscriptions = suspended });
    }

    // Any user's subscriptions, for an admin to see what a user has running (or suspended) and remove what must go.
    private static async Task<IResult> ListSubscriptions(long id, UserStore users, SubscriptionStore subscriptions, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(id, cancellationToken) is null
            ? UnknownUser(id)
            : TypedResults.Ok((await subscriptions.ListForUserAsync(id, cancellationToken)).Select(SubscriptionView.From));

    private static async Task<IResult> DeleteSubscription(long id, long subscriptionId, ClaimsPrincipal admin, SubscriptionStore subscriptions,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!await subscriptions.DeleteAsync(subscriptionId, id, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown subscription",
                detail: $"User {id} has no subscription with id {subscriptionId}.");
        }

        LogSubscriptionDeleted(loggers.CreateLogger(typeof(UsersAdminApi)), admin.Identity?.Name ?? "?", subscriptionId, id);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Create(CreateUserRequest? request, ClaimsPrincipal admin, UserStore users, TimeProvider time, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return Invalid("Missing body", "Send a JSON body: {\"userName\", \"displayName\", \"email\", \"role\"}.");
        }

        if (string.IsNullOrWhiteSpace(request.UserName) || !UserNamePattern().IsMatch(request.UserName.Trim()))
        {
            return Invalid("Invalid user name", $"'userName' must be 1-64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit; got '{request.UserName}'.");
        }

        if ((ValidateRole(request.Role ?? "") ?? ValidateEmail(request.Email) ?? ValidateDisplayName(request.DisplayName)) is { } problem)
        {
            return problem;
        }

        var password = Passwords.Generate();
        var userName = UserStore.Normalize(request.UserName);
        var displayName = string.IsNullOrWhiteSpace(request.DisplayName) ? request.UserName.Trim() : request.DisplayName.Trim();
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        if (await users.CreateAsync(new NewUser(userName, displayName, email, request.Role!, Passwords.Hash(password)), time.GetUtcNow(), cancellationToken) is not { } id)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "User exists", detail: $"A user named '{userName}' exists already.");
        }

        LogCreated(loggers.CreateLogger(typeof(UsersAdminApi)), admin.Identity?.Name ?? "?", userName, request.Role!);
        var user = await users.FindByIdAsync(id, cancellationToken);
        return TypedResults.Created($"{Path}/{id}", new CreatedUserView(View(user!), password));
    }

    private static async Task<IResult> Update(long id, UpdateUserRequest? request, ClaimsPrincipal admin, UserStore users, AccessRevocation revocation,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return Invalid("Missing body", "Send a JSON body with any of {\"role\", \"disabled\", \"email\", \"displayName\"}.");
        }

        if (((request.Role is null ? null : ValidateRole(request.Role)) ?? ValidateEmail(request.Email) ?? ValidateDisplayName(request.DisplayName)) is { } problem)
        {
            return problem;
        }

        if (request.DisplayName is not null && string.IsNullOrWhiteSpace(request.DisplayName))
        {
            return Invalid("Invalid display name", "'displayName' must not be empty; leave it out to keep the current one.");
        }

        if (await users.FindByIdAsync(id, cancellationToken) is not { } user)
        {
            return UnknownUser(id);
        }

        var role = request.Role ?? user.Role;
        var disabled = request.Disabled ?? user.Disabled;
        var email = request.Email is null ? user.Email : request.Email.Trim() is { Length: > 0 } address ? address : null;
        var outcome = await users.UpdateAsync(id, role, disabled, email, request.DisplayName?.Trim() ?? user.DisplayName, cancellationToken);
        if (outcome != UserChange.Done)
        {
            return Outcome(outcome, id);
        }

        if (role != user.Role || disabled != user.Disabled)
        {
            await revocation.RevokeAsync(id, RevokedAccess.User, disabled != user.Disabled ? "disabled flag changed" : "role changed",
                cancellationToken: cancellationToken);
        }

        LogUpdated(loggers.CreateLogger(typeof(UsersAdminApi)), admin.Identity?.Name ?? "?", user.UserName, role, disabled);
        return TypedResults.Ok(View((await users.FindByIdAsync(id, cancellationToken))!));
    }

    private static async Task<IResult> ResetPassword(long id, ClaimsPrincipal admin, UserStore users, AccessRevocation revocation, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var password = Passwords.Generate();
        if (await users.SetPasswordAsync(id, Passwords.Hash(password), cancellationToken) is null)
        {
            return UnknownUser(id);
        }

        await revocation.RevokeAsync(id, RevokedAccess.Sessions, "password reset by an admin", cancellationToken: cancellationToken);

        LogPasswordReset(loggers.CreateLogger(typeof(UsersAdminApi)), admin.Identity?.Name ?? "?", id);
        return TypedResults.Ok(new PasswordView(password));
    }

    private static async Task<IResult> Delete(long id, ClaimsPrincipal admin, UserStore users, AccessRevocation revocation, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var outcome = await users.DeleteAsync(id, cancellationToken);
        if (outcome != UserChange.Done)
        {
            return Outcome(outcome, id);
        }

        await revocation.RevokeAsync(id, RevokedAccess.User, "user deleted", cancellationToken: cancellationToken);

        LogDeleted(loggers.CreateLogger(typeof(UsersAdminApi)), admin.Identity?.Name ?? "?", id);
        return TypedResults.NoContent();
    }

    private static IResult Outcome(UserChange outcome, long id) => outcome == UserChange.LastAdmin
        ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Last admin",
            detail: "This is the last enabled admin: make another user admin first. The last admin cannot be demoted, disabled or deleted.")
        : UnknownUser(id);

    private static IResult? ValidateRole(string role) =>
        MonitorRoles.All.Contains(role)
            ? null
            : Invalid("Invalid role", $"'role' must be one of {string.Join(", ", MonitorRoles.All)}; got '{role}'.");

    private static IResult? ValidateEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) || EmailPattern().IsMatch(email.Trim())
            ? null
            : Invalid("Invalid email", $"'email' must be an address such as name@example.org; got '{email}'.");

    private static IResult? ValidateDisplayName(string? displayName) =>
        displayName is null || displayName.Trim().Length <= 100
            ? null
            : Invalid("Invalid display name", "'displayName' must have at most 100 characters.");

    private static UserView View(UserRecord u) => new(
        u.Id, u.UserName, u.DisplayName, u.Email, u.Role, u.Disabled, u.PasswordHash is not null, u.ExternalId is not null, u.CreatedAt, u.LastSignInAt);

    private static IResult Invalid(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    private static IResult UnknownUser(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown user", detail: $"There is no user with id {id}.");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex(@"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Admin} created user {UserName} ({Role})")]
    private static partial void LogCreated(ILogger logger, string admin, string userName, string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Admin} changed user {UserName}: role {Role}, disabled {Disabled}")]
    private static partial void LogUpdated(ILogger logger, string admin, string userName, string role, bool disabled);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Admin} reset the password of user {UserId}")]
    private static partial void LogPasswordReset(ILogger logger, string admin, long userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Admin} deleted subscription {SubscriptionId} of user {UserId}")]
    private static partial void LogSubscriptionDeleted(ILogger logger, string admin, long subscriptionId, long userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin {Admin} deleted user {UserId}")]
    private static partial void LogDeleted(ILogger logger, string admin, long userId);
}
