using Dapper;
using Monitor.Data.Accounts;

namespace Monitor.Data.Tests.Accounts;

/// <summary>Users, API tokens and Data Protection keys: the same behaviour on SQLite and PostgreSQL.</summary>
public abstract class AccountContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);

    private UserStore Users => new(Database);

    private ApiTokenStore Tokens => new(Database);

    [Fact]
    public async Task A_user_is_found_by_name_in_any_case_by_id_and_by_external_id_and_a_taken_name_is_refused()
    {
        var id = await Users.CreateAsync(new NewUser("  Alice ", "Alice A.", "alice@example.org", "analyst", "hash-1"), T0);
        var external = await Users.CreateAsync(new NewUser("bob", "Bob", null, "viewer", null, "https://idp|42"), T0);
        var taken = await Users.CreateAsync(new NewUser("ALICE", "Another", null, "viewer", "hash-2"), T0);
        var takenExternal = await Users.CreateAsync(new NewUser("bob2", "Bob", null, "viewer", null, "https://idp|42"), T0);

        Assert.NotNull(id);
        Assert.NotNull(external);
        Assert.Null(taken);
        Assert.Null(takenExternal);
        var alice = await Users.FindByNameAsync("ALICE");
        Assert.NotNull(alice);
        Assert.Equal((id.Value, "alice", "Alice A.", "alice@example.org", "analyst", "hash-1", false, T0, (DateTimeOffset?)null),
            (alice.Id, alice.UserName, alice.DisplayName, alice.Email, alice.Role, alice.PasswordHash, alice.Disabled, alice.CreatedAt, alice.LastSignInAt));
        Assert.Equal(alice, await Users.FindByIdAsync(id.Value));
        Assert.Equal(external, (await Users.FindByExternalIdAsync("https://idp|42"))?.Id);
        Assert.Null((await Users.FindByExternalIdAsync("https://idp|42"))?.PasswordHash);
        Assert.Null(await Users.FindByNameAsync("carol"));
        Assert.Equal(["alice", "bob"], (await Users.ListAsync()).Select(u => u.UserName));
    }

    [Fact]
    public async Task A_new_role_disabled_flag_or_password_writes_a_new_security_stamp_and_an_email_does_not()
    {
        var id = (await Users.CreateAsync(new NewUser("alice", "Alice", null, "viewer", "hash-1"), T0))!.Value;
        var stamps = new List<string> { (await Users.FindByIdAsync(id))!.SecurityStamp };

        Assert.Equal(UserChange.Done, await Users.UpdateAsync(id, "viewer", false, "a@example.org", "Alice B."));
        stamps.Add((await Users.FindByIdAsync(id))!.SecurityStamp);
        Assert.Equal(UserChange.Done, await Users.UpdateAsync(id, "analyst", false, "a@example.org", "Alice B."));
        stamps.Add((await Users.FindByIdAsync(id))!.SecurityStamp);
        Assert.Equal(UserChange.Done, await Users.UpdateAsync(id, "analyst", true, "a@example.org", "Alice B."));
        stamps.Add((await Users.FindByIdAsync(id))!.SecurityStamp);
        var returned = await Users.SetPasswordAsync(id, "hash-2");
        var after = (await Users.FindByIdAsync(id))!;
        stamps.Add(after.SecurityStamp);

        Assert.Equal(stamps[0], stamps[1]);
        Assert.Equal(4, stamps.Skip(1).Distinct().Count());
        Assert.Equal(returned, after.SecurityStamp);
        Assert.Equal(("analyst", true, "a@example.org", "Alice B.", "hash-2"), (after.Role, after.Disabled, after.Email, after.DisplayName, after.PasswordHash));
        Assert.Null(await Users.SetPasswordAsync(id + 1000, "hash-3"));
        Assert.Equal(UserChange.NotFound, await Users.UpdateAsync(id + 1000, "viewer", false, null, "x"));
    }

    [Fact]
    public async Task A_deleted_users_id_is_never_given_to_the_next_user()
    {
        var first = (await Users.CreateAsync(new NewUser("first", "First", null, "viewer", "h"), T0))!.Value;
        var newest = (await Users.CreateAsync(new NewUser("newest", "Newest", null, "analyst", "h"), T0))!.Value;

        Assert.Equal(UserChange.Done, await Users.DeleteAsync(newest));
        var next = (await Users.CreateAsync(new NewUser("next", "Next", null, "analyst", "h"), T0))!.Value;
        Assert.Equal(UserChange.Done, await Users.DeleteAsync(next));
        var last = (await Users.CreateAsync(new NewUser("last", "Last", null, "analyst", "h"), T0))!.Value;

        Assert.Equal(4, new[] { first, newest, next, last }.Distinct().Count());
        Assert.True(last > next && next > newest, $"ids {newest}, {next}, {last} must grow");
    }

    [Fact]
    public async Task The_last_enabled_admin_cannot_be_demoted_disabled_or_deleted_while_another_admin_can()
    {
        var first = (await Users.CreateAsync(new NewUser("first", "First", null, "admin", "h"), T0))!.Value;
        var viewer = (await Users.CreateAsync(new NewUser("viewer", "Viewer", null, "viewer", "h"), T0))!.Value;

        Assert.Equal(UserChange.LastAdmin, await Users.UpdateAsync(first, "analyst", false, null, "First"));
        Assert.Equal(UserChange.LastAdmin, await Users.UpdateAsync(first, "admin", true, null, "First"));
        Assert.Equal(UserChange.LastAdmin, await Users.DeleteAsync(first));
        Assert.Equal(UserChange.Done, await Users.UpdateAsync(first, "admin", false, "first@example.org", "First"));
        Assert.Equal(1, await Users.CountEnabledAdminsAsync());

        Assert.Equal(UserChange.Done, await Users.UpdateAsync(viewer, "admin", false, null, "Viewer"));
        Assert.Equal(2, await Users.CountEnabledAdminsAsync());
        Assert.Equal(UserChange.Done, await Users.UpdateAsync(first, "admin", true, null, "First"));
        Assert.Equal(UserChange.LastAdmin, await Users.UpdateAsync(viewer, "viewer", false, null, "Viewer"));
        Assert.Equal(UserChange.Done, await Users.DeleteAsync(first));
        Assert.Equal(UserChange.NotFound, await Users.DeleteAsync(first));
        Assert.Equal(1, await Users.CountEnabledAdminsAsync());
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_leave_one_admin()
    {
        for (var round = 0; round < 5; round++)
        {
            var a = (await Users.CreateAsync(new NewUser($"a{round}", "A", null, "admin", "h"), T0))!.Value;
            var b = (await Users.CreateAsync(new NewUser($"b{round}", "B", null, "admin", "h"), T0))!.Value;

            var outcomes = await Task.WhenAll(
                Task.Run(() => Users.UpdateAsync(a, "viewer", false, null, "A")),
                Task.Run(() => Users.DeleteAsync(b)));

            Assert.Equal(1, await Users.CountEnabledAdminsAsync());
            Assert.Contains(UserChange.LastAdmin, outcomes);
            Assert.Contains(UserChange.Done, outcomes);
            await using var connection = await Database.OpenAsync();
            await connection.ExecuteAsync("DELETE FROM users");
        }
    }

    [Fact]
    public async Task The_first_admin_is_created_only_while_there_is_no_admin_and_only_once()
    {
        await Users.CreateAsync(new NewUser("viewer", "Viewer", null, "viewer", "h"), T0);

        var created = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Users.CreateFirstAdminAsync("admin", "hash", T0)));
        var again = await Users.CreateFirstAdminAsync("root", "hash", T0);

        Assert.Single(created, id => id is not null);
        Assert.Null(again);
        var admin = await Users.FindByNameAsync("admin");
        Assert.Equal(("admin", "hash", false), (admin!.Role, admin.PasswordHash, admin.Disabled));
        Assert.Null(await Users.FindByNameAsync("root"));
    }

    [Fact]
    public async Task A_sign_in_is_recorded()
    {
        var id = (await Users.CreateAsync(new NewUser("alice", "Alice", null, "viewer", "h"), T0))!.Value;

        await Users.TouchSignInAsync(id, T0.AddHours(1));

        Assert.Equal(T0.AddHours(1), (await Users.FindByIdAsync(id))!.LastSignInAt);
    }

    [Fact]
    public async Task A_token_is_shown_once_kept_only_as_its_hash_and_finds_its_enabled_user_until_it_expires()
    {
        var id = (await Users.CreateAsync(new NewUser("alice", "Alice", null, "analyst", "h"), T0))!.Value;

        var (record, token) = await Tokens.CreateAsync(id, "script", T0.AddDays(1), T0);
        var (_, lasting) = await Tokens.CreateAsync(id, "forever", null, T0);

        Assert.Matches("^mon_[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(token[..ApiTokenStore.PrefixLength], record.Prefix);
        await using (var connection = await Database.OpenAsync())
        {
            var stored = (await connection.QueryAsync<string>("SELECT token_hash FROM api_tokens ORDER BY id")).ToList();
            Assert.Equal([ApiTokenStore.Hash(token), ApiTokenStore.Hash(lasting)], stored);
            Assert.Matches("^[0-9a-f]{64}$", stored[0]);
        }

        Assert.Equal(id, (await Tokens.FindUserAsync(token, T0.AddHours(1)))?.User.Id);
        Assert.Equal("analyst", (await Tokens.FindUserAsync(token, T0.AddHours(1)))?.User.Role);
        Assert.Null(await Tokens.FindUserAsync(token, T0.AddDays(1)));
        Assert.NotNull(await Tokens.FindUserAsync(lasting, T0.AddYears(5)));
        Assert.Null(await Tokens.FindUserAsync(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), T0));
        Assert.Null(await Tokens.FindUserAsync("not-a-token", T0));

        await Users.UpdateAsync(id, "analyst", true, null, "Alice");
        Assert.Null(await Tokens.FindUserAsync(lasting, T0));
    }

    [Fact]
    public async Task A_tokens_last_use_is_written_at_most_once_a_minute()
    {
        var id = (await Users.CreateAsync(new NewUser("alice", "Alice", null, "viewer", "h"), T0))!.Value;
        var (record, token) = await Tokens.CreateAsync(id, "script", null, T0);

        await Tokens.FindUserAsync(token, T0.AddSeconds(1));
        await Tokens.FindUserAsync(token, T0.AddSeconds(59));
        var afterTwo = Assert.Single(await Tokens.ListAsync(id)).LastUsedAt;
        await Tokens.FindUserAsync(token, T0.AddSeconds(62));
        var afterThree = Assert.Single(await Tokens.ListAsync(id)).LastUsedAt;

        Assert.Null(record.LastUsedAt);
        Assert.Equal(T0.AddSeconds(1), afterTwo);
        Assert.Equal(T0.AddSeconds(62), afterThree);
    }

    [Fact]
    public async Task Tokens_are_listed_and_deleted_by_their_owner_only()
    {
        var alice = (await Users.CreateAsync(new NewUser("alice", "Alice", null, "viewer", "h"), T0))!.Value;
        var bob = (await Users.CreateAsync(new NewUser("bob", "Bob", null, "viewer", "h"), T0))!.Value;
        var (aliceToken, aliceSecret) = await Tokens.CreateAsync(alice, "a", null, T0);
        var (bobToken, _) = await Tokens.CreateAsync(bob, "b", T0.AddDays(30), T0);

        Assert.Equal(["a"], (await Tokens.ListAsync(alice)).Select(t => t.Name));
        Assert.Equal(new ApiTokenRecord(bobToken.Id, bob, "b", bobToken.Prefix, T0, T0.AddDays(30), null), Assert.Single(await Tokens.ListAsync(bob)));
        Assert.False(await Tokens.DeleteAsync(aliceToken.Id, bob));
        Assert.True(await Tokens.DeleteAsync(aliceToken.Id, alice));
        Assert.False(await Tokens.DeleteAsync(aliceToken.Id, alice));
        Assert.Empty(await Tokens.ListAsync(alice));
        Assert.Null(await Tokens.FindUserAsync(aliceSecret, T0));

        Assert.Equal(UserChange.Done, await Users.DeleteAsync(bob));
        Assert.Empty(await Tokens.ListAsync(bob));
    }

    [Fact]
    public async Task A_session_finds_its_enabled_user_until_it_is_deleted_idle_or_its_user_changes_password_role_or_flag()
    {
        var sessions = new SessionStore(Database);
        var idle = TimeSpan.FromDays(14);
        var alice = (await Users.CreateAsync(new NewUser("alice", "Alice", null, "analyst", "h"), T0))!.Value;
        var bob = (await Users.CreateAsync(new NewUser("bob", "Bob", null, "viewer", "h"), T0))!.Value;
        var first = await sessions.CreateAsync(alice, T0, idle);
        var second = await sessions.CreateAsync(alice, T0, idle);
        var bobs = await sessions.CreateAsync(bob, T0, idle);

        Assert.Equal(alice, (await sessions.FindUserAsync(first, T0.AddMinutes(1), idle))?.Id);
        Assert.Null(await sessions.FindUserAsync(first, T0.AddDays(15), idle));
        Assert.Null(await sessions.FindUserAsync("not-a-session", T0, idle));
        Assert.True(await sessions.DeleteAsync(first));
        Assert.False(await sessions.DeleteAsync(first));
        Assert.Null(await sessions.FindUserAsync(first, T0, idle));
        Assert.Equal(alice, (await sessions.FindUserAsync(second, T0, idle))?.Id);

        // An email or display name leaves sessions alone; a role ends them.
        Assert.Equal(UserChange.Done, await Users.UpdateAsync(alice, "analyst", false, "a@example.org", "Alice A."));
        Assert.NotNull(await sessions.FindUserAsync(second, T0, idle));
        Assert.Equal(UserChange.Done, await Users.UpdateAsync(alice, "viewer", false, "a@example.org", "Alice A."));
        Assert.Null(await sessions.FindUserAsync(second, T0, idle));

        var third = await sessions.CreateAsync(alice, T0, idle);
        await Users.SetPasswordAsync(alice, "h2");
        Assert.Null(await sessions.FindUserAsync(third, T0, idle));

        var fourth = await sessions.CreateAsync(alice, T0, idle);
        Assert.Equal(UserChange.Done, await Users.UpdateAsync(alice, "viewer", true, null, "Alice"));
        Assert.Null(await sessions.FindUserAsync(fourth, T0, idle));
        Assert.Equal(0, await sessions.CountForUserAsync(alice));

        Assert.Equal(bob, (await sessions.FindUserAsync(bobs, T0, idle))?.Id);
        Assert.Equal(UserChange.Done, await Users.DeleteAsync(bob));
        Assert.Null(await sessions.FindUserAsync(bobs, T0, idle));
        Assert.Equal(0, await sessions.CountForUserAsync(bob));
    }

    [Fact]
    public async Task Data_protection_keys_are_stored_once_each_and_read_back_in_order()
    {
        var keys = new DataProtectionKeyStore(Database);

        keys.Store("key-1", "<key id=\"1\" />", T0);
        keys.Store("key-2", "<key id=\"2\" />", T0);
        keys.Store("key-1", "<key id=\"other\" />", T0);

        Assert.Equal(["<key id=\"1\" />", "<key id=\"2\" />"], keys.GetAll());
    }
}

public sealed class SqliteAccountTests() : AccountContract(Store.Sqlite);

public sealed class PostgresAccountTests() : AccountContract(Store.Postgres);
