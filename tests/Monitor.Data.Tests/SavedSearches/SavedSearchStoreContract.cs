using Monitor.Data.Accounts;
using Monitor.Data.SavedSearches;

namespace Monitor.Data.Tests.SavedSearches;

/// <summary>Saved searches: per owner, names unique per owner, a limit per owner, a feed token that rotates; on SQLite and PostgreSQL.</summary>
public abstract class SavedSearchStoreContract(Store store) : DatabaseContract(store)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private SavedSearchStore Searches => new(Database);

    private async Task<long> UserAsync(string name) =>
        (await new UserStore(Database).CreateAsync(new NewUser(name, name, null, "analyst", "hash"), T0))!.Value;

    [Fact]
    public async Task A_saved_search_is_read_back_by_its_owner_only_and_listed_by_name()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");

        var (change, id) = await Searches.AddAsync(alice, "Sanctions", "q=sanctions&topics=sanctions", "hash-1", T0, 10);
        var (_, first) = await Searches.AddAsync(alice, "Air defence", "q=%22air+defence%22", "hash-2", T0.AddMinutes(1), 10);
        var (_, bobs) = await Searches.AddAsync(bob, "Sanctions", "q=russia", "hash-3", T0, 10);

        Assert.Equal(SavedSearchChange.Done, change);
        Assert.Equal(new SavedSearch(id, alice, "Sanctions", "q=sanctions&topics=sanctions", T0, T0), await Searches.GetAsync(id, alice));
        Assert.Null(await Searches.GetAsync(id, bob));
        Assert.Equal(["Air defence", "Sanctions"], (await Searches.ListAsync(alice)).Select(s => s.Name));
        Assert.Equal([first, id], (await Searches.ListAsync(alice)).Select(s => s.Id));
        Assert.Equal([bobs], (await Searches.ListAsync(bob)).Select(s => s.Id));
    }

    [Fact]
    public async Task A_taken_name_and_the_limit_per_user_are_refused_and_other_users_are_not_counted()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        await Searches.AddAsync(alice, "one", "q=a", "h1", T0, 2);

        var taken = await Searches.AddAsync(alice, "one", "q=b", "h2", T0, 2);
        var second = await Searches.AddAsync(alice, "two", "q=b", "h3", T0, 2);
        var third = await Searches.AddAsync(alice, "three", "q=c", "h4", T0, 2);
        var bobs = await Searches.AddAsync(bob, "one", "q=c", "h5", T0, 2);

        Assert.Equal(SavedSearchChange.NameTaken, taken.Change);
        Assert.Equal(SavedSearchChange.Done, second.Change);
        Assert.Equal(SavedSearchChange.LimitReached, third.Change);
        Assert.Equal(SavedSearchChange.Done, bobs.Change);
        Assert.Equal(["one", "two"], (await Searches.ListAsync(alice)).Select(s => s.Name));
    }

    [Fact]
    public async Task Rename_replace_and_delete_act_on_the_owners_row_only()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var (_, id) = await Searches.AddAsync(alice, "one", "q=a", "h1", T0, 10);
        await Searches.AddAsync(alice, "two", "q=b", "h2", T0, 10);

        Assert.Equal(SavedSearchChange.NotFound, await Searches.UpdateAsync(id, bob, "mine now", null, T0.AddHours(1)));
        Assert.Equal(SavedSearchChange.NameTaken, await Searches.UpdateAsync(id, alice, "two", null, T0.AddHours(1)));
        Assert.Equal(SavedSearchChange.Done, await Searches.UpdateAsync(id, alice, "renamed", null, T0.AddHours(1)));
        Assert.Equal(("renamed", "q=a", T0.AddHours(1)), await Searches.GetAsync(id, alice) is { } renamed ? (renamed.Name, renamed.Query, renamed.UpdatedAt) : default);
        Assert.Equal(SavedSearchChange.Done, await Searches.UpdateAsync(id, alice, "renamed", "q=z", T0.AddHours(2)));
        Assert.Equal("q=z", (await Searches.GetAsync(id, alice))!.Query);
        Assert.Equal(SavedSearchChange.NotFound, await Searches.UpdateAsync(id + 1000, alice, "x", null, T0));

        Assert.False(await Searches.DeleteAsync(id, bob));
        Assert.NotNull(await Searches.GetAsync(id, alice));
        Assert.True(await Searches.DeleteAsync(id, alice));
        Assert.Null(await Searches.GetAsync(id, alice));
        Assert.False(await Searches.DeleteAsync(id, alice));
    }

    [Fact]
    public async Task The_feed_token_finds_the_search_until_rotated_and_never_for_a_disabled_owner()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var (_, id) = await Searches.AddAsync(alice, "one", "q=a", "old-hash", T0, 10);

        Assert.Equal(id, (await Searches.FindByFeedTokenHashAsync("old-hash"))?.Id);
        Assert.False(await Searches.SetFeedTokenHashAsync(id, bob, "bobs-hash", T0));
        Assert.True(await Searches.SetFeedTokenHashAsync(id, alice, "new-hash", T0));
        Assert.Null(await Searches.FindByFeedTokenHashAsync("old-hash"));
        Assert.Null(await Searches.FindByFeedTokenHashAsync("bobs-hash"));
        Assert.Equal(id, (await Searches.FindByFeedTokenHashAsync("new-hash"))?.Id);

        Assert.Equal(UserChange.Done, await new UserStore(Database).UpdateAsync(alice, "analyst", true, null, "alice"));
        Assert.Null(await Searches.FindByFeedTokenHashAsync("new-hash"));
    }

    [Fact]
    public async Task A_deleted_users_saved_searches_go_with_them()
    {
        var alice = await UserAsync("alice");
        await UserAsync("admin-keeper");
        await Searches.AddAsync(alice, "one", "q=a", "h1", T0, 10);

        Assert.Equal(UserChange.Done, await new UserStore(Database).DeleteAsync(alice));

        Assert.Empty(await Searches.ListAsync(alice));
        Assert.Null(await Searches.FindByFeedTokenHashAsync("h1"));
    }
}

public sealed class SqliteSavedSearchStoreTests() : SavedSearchStoreContract(Store.Sqlite);

public sealed class PostgresSavedSearchStoreTests() : SavedSearchStoreContract(Store.Postgres);
