using System.Net;
using System.Net.Http.Json;
using Monitor.Data.Accounts;
using Monitor.Testing;

namespace Monitor.IntegrationTests.Auth;

/// <summary><c>/api/admin/users</c>: admins manage users; nobody else may; the last enabled admin stays.</summary>
[Collection(AuthDashboardCollection.Name)]
public sealed class UsersAdminApiTests(AuthDashboard fixture)
{
    [Fact]
    public async Task An_admin_creates_a_user_whose_generated_password_signs_in_and_mistakes_are_refused_with_reasons()
    {
        using var admin = await TestAccounts.AdminClientAsync(fixture.Database, fixture.BaseAddress, "users-admin-1");

        using var create = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "Lena", displayName = "Lena L.", email = "lena@example.org", role = "analyst" });
        var created = (await create.Content.ReadFromJsonAsync<CreatedUser>(Json.Options))!;
        using var duplicate = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "lena", role = "viewer" });
        using var badRole = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "x1", role = "root" });
        using var badName = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "no spaces please", role = "viewer" });
        using var badEmail = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "x2", role = "viewer", email = "not-an-address" });
        var list = await admin.GetFromJsonAsync<List<User>>("/api/admin/users", Json.Options);
        var one = await admin.GetFromJsonAsync<User>($"/api/admin/users/{created.User.Id}", Json.Options);
        using var signedIn = await TestAccounts.SignInAsync(fixture.BaseAddress, "lena", created.Password);

        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal(("lena", "Lena L.", "lena@example.org", "analyst", false, true, false),
            (created.User.UserName, created.User.DisplayName, created.User.Email, created.User.Role, created.User.Disabled, created.User.HasPassword, created.User.External));
        Assert.True(created.Password.Length >= 20);
        Assert.Equal(created.User, one);
        Assert.Contains(list!, u => u.Id == created.User.Id);
        Assert.Contains("exists already", (await AuthDashboard.ProblemAsync(duplicate, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("'role' must be one of viewer, analyst, admin", (await AuthDashboard.ProblemAsync(badRole, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("'userName' must be", (await AuthDashboard.ProblemAsync(badName, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("'email' must be", (await AuthDashboard.ProblemAsync(badEmail, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_role_takes_effect_on_the_users_session_and_profile_changes_do_not_end_it()
    {
        using var admin = await TestAccounts.AdminClientAsync(fixture.Database, fixture.BaseAddress, "users-admin-2");
        var (id, _, user) = await fixture.SignedInAsync("mona", "viewer");
        using (user)
        {
            using var profile = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { email = "mona@example.org", displayName = "Mona M." });
            using var stillIn = await user.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));
            using var promote = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { role = "admin" });
            using var oldSession = await user.GetAsync(new Uri("/api/admin/users", UriKind.Relative));
            using var clearEmail = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { email = "", role = "viewer" });
            using var unknown = await admin.PatchAsJsonAsync("/api/admin/users/987654", new { role = "viewer" });
            using var badRole = await admin.PatchAsJsonAsync($"/api/admin/users/{id}", new { role = "owner" });

            Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
            var changed = (await profile.Content.ReadFromJsonAsync<User>(Json.Options))!;
            Assert.Equal(("mona@example.org", "Mona M.", "viewer"), (changed.Email, changed.DisplayName, changed.Role));
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
            Assert.Equal("admin", (await promote.Content.ReadFromJsonAsync<User>(Json.Options))!.Role);
            await AuthDashboard.ProblemAsync(oldSession, HttpStatusCode.Unauthorized);
            Assert.Null((await clearEmail.Content.ReadFromJsonAsync<User>(Json.Options))!.Email);
            await AuthDashboard.ProblemAsync(unknown, HttpStatusCode.NotFound);
            await AuthDashboard.ProblemAsync(badRole, HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one_and_a_deleted_user_and_their_tokens_are_gone()
    {
        using var admin = await TestAccounts.AdminClientAsync(fixture.Database, fixture.BaseAddress, "users-admin-3");
        var (id, oldPassword) = await TestAccounts.CreateUserAsync(fixture.Database, "nina", "analyst");
        using var token = TestAccounts.BearerClient(fixture.BaseAddress, await TestAccounts.CreateTokenAsync(fixture.Database, id));

        using var reset = await admin.PostAsync(new Uri($"/api/admin/users/{id}/reset-password", UriKind.Relative), null);
        var newPassword = (await reset.Content.ReadFromJsonAsync<Password>(Json.Options))!.Value;
        using var withNew = await TestAccounts.SignInAsync(fixture.BaseAddress, "nina", newPassword);
        await Assert.ThrowsAsync<InvalidOperationException>(() => TestAccounts.SignInAsync(fixture.BaseAddress, "nina", oldPassword));
        using var resetUnknown = await admin.PostAsync(new Uri("/api/admin/users/987654/reset-password", UriKind.Relative), null);
        using var tokenBefore = await token.GetAsync(new Uri("/api/account/me", UriKind.Relative));
        using var delete = await admin.DeleteAsync(new Uri($"/api/admin/users/{id}", UriKind.Relative));
        using var deleteAgain = await admin.DeleteAsync(new Uri($"/api/admin/users/{id}", UriKind.Relative));
        using var get = await admin.GetAsync(new Uri($"/api/admin/users/{id}", UriKind.Relative));
        using var tokenAfter = await token.GetAsync(new Uri("/api/account/tokens", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.True(newPassword.Length >= 20);
        await AuthDashboard.ProblemAsync(resetUnknown, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, tokenBefore.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await AuthDashboard.ProblemAsync(deleteAgain, HttpStatusCode.NotFound);
        await AuthDashboard.ProblemAsync(get, HttpStatusCode.NotFound);
        await AuthDashboard.ProblemAsync(tokenAfter, HttpStatusCode.Unauthorized);
        Assert.Null(await new UserStore(fixture.Database).FindByIdAsync(id));
    }

    [Fact]
    public async Task The_last_enabled_admin_cannot_be_demoted_disabled_or_deleted()
    {
        var (rootId, _) = await TestAccounts.CreateUserAsync(fixture.Database, "root-admin", "admin");
        using var root = TestAccounts.BearerClient(fixture.BaseAddress, await TestAccounts.CreateTokenAsync(fixture.Database, rootId));
        var others = (await root.GetFromJsonAsync<List<User>>("/api/admin/users", Json.Options))!
            .Where(u => u is { Role: "admin", Disabled: false } && u.Id != rootId).ToList();
        foreach (var other in others)
        {
            using var disable = await root.PatchAsJsonAsync($"/api/admin/users/{other.Id}", new { disabled = true });
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        try
        {
            using var demote = await root.PatchAsJsonAsync($"/api/admin/users/{rootId}", new { role = "analyst" });
            using var disableSelf = await root.PatchAsJsonAsync($"/api/admin/users/{rootId}", new { disabled = true });
            using var deleteSelf = await root.DeleteAsync(new Uri($"/api/admin/users/{rootId}", UriKind.Relative));
            using var emailSelf = await root.PatchAsJsonAsync($"/api/admin/users/{rootId}", new { email = "root@example.org" });

            Assert.NotEmpty(others);
            Assert.Contains("last enabled admin", (await AuthDashboard.ProblemAsync(demote, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
            await AuthDashboard.ProblemAsync(disableSelf, HttpStatusCode.Conflict);
            await AuthDashboard.ProblemAsync(deleteSelf, HttpStatusCode.Conflict);
            Assert.Equal(HttpStatusCode.OK, emailSelf.StatusCode);
            Assert.Equal(1, await new UserStore(fixture.Database).CountEnabledAdminsAsync());
        }
        finally
        {
            foreach (var other in others)
            {
                using var enable = await root.PatchAsJsonAsync($"/api/admin/users/{other.Id}", new { disabled = false });
            }
        }
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("analyst")]
    public async Task Every_users_endpoint_is_403_for_a_non_admin_and_401_anonymously(string role)
    {
        var (id, _) = await TestAccounts.CreateUserAsync(fixture.Database, $"plain-{role}", role);
        using var user = TestAccounts.BearerClient(fixture.BaseAddress, await TestAccounts.CreateTokenAsync(fixture.Database, id));
        using var anonymous = fixture.Anonymous();
        (HttpMethod Method, string Url)[] endpoints =
        [
            (HttpMethod.Get, "/api/admin/users"), (HttpMethod.Post, "/api/admin/users"), (HttpMethod.Get, $"/api/admin/users/{id}"),
            (HttpMethod.Patch, $"/api/admin/users/{id}"), (HttpMethod.Post, $"/api/admin/users/{id}/reset-password"),
            (HttpMethod.Delete, $"/api/admin/users/{id}"),
        ];

        foreach (var (method, url) in endpoints)
        {
            using var asUser = await user.SendAsync(new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = JsonContent.Create(new { role = "admin", userName = "sneaky" }) });
            using var asAnonymous = await anonymous.SendAsync(new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = JsonContent.Create(new { role = "admin" }) });
            await AuthDashboard.ProblemAsync(asUser, HttpStatusCode.Forbidden);
            await AuthDashboard.ProblemAsync(asAnonymous, HttpStatusCode.Unauthorized);
        }

        var after = await new UserStore(fixture.Database).FindByIdAsync(id);
        Assert.Equal(role, after!.Role);
        Assert.Null(await new UserStore(fixture.Database).FindByNameAsync("sneaky"));
    }

    private sealed record User(long Id, string UserName, string DisplayName, string? Email, string Role, bool Disabled, bool HasPassword, bool External,
        DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt);

    private sealed record CreatedUser(User User, string Password);

    private sealed record Password(string Value)
    {
        [System.Text.Json.Serialization.JsonPropertyName("password")]
        public string Value { get; init; } = Value;
    }
}
