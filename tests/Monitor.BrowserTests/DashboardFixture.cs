using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Monitor.Contracts;
using Monitor.Data.Statements;
using Monitor.Testing;

namespace Monitor.BrowserTests;

/// <summary>
/// The distributed topology the browser tests look at: the dashboard, Ingestion (polling an empty test feed, so the
/// sources page has a source with health), Tagging, Persistence and Alerts, each its own OS process on a fresh RabbitMQ
/// virtual host and PostgreSQL database (Alerts allowed to post to 127.0.0.1); a bus that publishes into the pipeline;
/// and one Chromium. A few statements are stored up front so every page has something to show. The first
/// administrator's password is read from the dashboard's log, as a person installing Monitor would; pages that need an
/// account are visited signed in as it.
/// </summary>
public sealed partial class DashboardFixture : IAsyncLifetime
{
    public const string AdminUserName = "admin";

    private readonly SemaphoreSlim _signInLock = new(1, 1);
    private string? _signedInState;
    private HttpClient? _adminApi;
    private bool _seeded;
    private string? _adminPassword;
    private string _startOutput = "";

    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private IPlaywright? _playwright;

    public DistributedTopology Topology { get; private set; } = null!;

    public MonitorProcess Dashboard { get; private set; } = null!;

    public PipelineBus Bus { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Stored before any test: one statement tagged sanctions (the statement page's screenshot shows it).</summary>
    public StatementStored Sanctions { get; private set; } = null!;

    public StatementStored Humanitarian { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Chromium first: without it nothing below is worth starting.
        (_playwright, Browser) = await Chromium.LaunchAsync();
        Topology = await DistributedTopology.CreateAsync(pollSeconds: 5);
        // The dashboard accepts ntfy topics and webhooks on the documentation network 203.0.113.0/24, which no test
        // calls (the Alerts worker does not allow it, so its guard would refuse any send there before connecting).
        Dashboard = Topology.Create(Monitor.Testing.Topology.Dashboard, new Dictionary<string, string> { ["Alerts__AllowedNetworks__0"] = "203.0.113.0/24" });
        var processes = new[]
        {
            Dashboard, Topology.Create("workers/Monitor.Ingestion"), Topology.Create("workers/Monitor.Tagging"),
            Topology.Create("workers/Monitor.Persistence"),
            // The Alerts worker may post to a webhook receiver on this machine; the dashboard still refuses such
            // addresses when a subscription is saved.
            // Telegram's API is a closed port on this machine: no test's subscription reaches api.telegram.org.
            Topology.Create("workers/Monitor.Alerts", new Dictionary<string, string>
            {
                ["Alerts__AllowedNetworks__0"] = "127.0.0.1/32", ["Alerts__TelegramApiUrl"] = "http://127.0.0.1:9/",
            }),
        };
        await Task.WhenAll(processes.Select(p => p.StartAsync(TimeSpan.FromSeconds(120))));
        // Read now (the output keeps only its last 2000 lines), waiting a little in case the start-up service that
        // creates the administrator logs after the dashboard answers. Tests that need the password fail without it.
        for (var waited = Stopwatch.StartNew(); _adminPassword is null && waited.Elapsed < TimeSpan.FromSeconds(15); await Task.Delay(100))
        {
            _startOutput = Dashboard.Output;
            var adminLine = FirstAdminLine().Match(_startOutput);
            _adminPassword = adminLine.Success ? adminLine.Groups["password"].Value : null;
        }
        Bus = await PipelineBus.StartAsync(Topology.Rabbit);
        Store = new StatementStore(Topology.OpenDatabase());

        Sanctions = await PublishAndStoreAsync(Texts.SanctionsStatement("Seed"));
        Humanitarian = await PublishAndStoreAsync(Texts.HumanitarianStatement("Seed"));
    }

    /// <summary>A browser context on the dashboard at the given viewport, recording statement arrivals.</summary>
    public Task<IBrowserContext> NewContextAsync(ViewportSize? viewport = null) => NewContextAsync(Browser, Dashboard.BaseAddress, viewport);

    /// <summary>A browser context signed in as the first administrator (one sign-in per fixture, its cookies reused).</summary>
    public async Task<IBrowserContext> NewSignedInContextAsync(ViewportSize? viewport = null)
    {
        await _signInLock.WaitAsync();
        try
        {
            _signedInState ??= await SignInStateAsync();
        }
        finally
        {
            _signInLock.Release();
        }

        return await NewContextAsync(Browser, Dashboard.BaseAddress, viewport, _signedInState);
    }

    public static async Task<IBrowserContext> NewContextAsync(IBrowser browser, Uri dashboard, ViewportSize? viewport = null, string? storageState = null)
    {
        var size = viewport ?? Desktop;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = dashboard.ToString(),
            ViewportSize = size,
            IsMobile = size.Width < 600,
            HasTouch = size.Width < 600,
            Locale = "en-GB",
            TimezoneId = "UTC",
            StorageState = storageState,
        });
        await context.AddInitScriptAsync(LivePage.ArrivalRecorder);
        return context;
    }

    /// <summary>
    /// The first administrator's password, from the dashboard's warning at its first start:
    /// <c>Created the first administrator "admin" with password …; sign in and change it.</c>
    /// </summary>
    public string AdminPassword => _adminPassword
        ?? throw new InvalidOperationException($"The dashboard's log had no line naming the first administrator's password after its start:\n{_startOutput}");

    [GeneratedRegex("Created the first administrator \"?admin\"? with password \"?(?<password>[^\\s\"]+?)\"?; sign in and change it")]
    private static partial Regex FirstAdminLine();

    /// <summary>Signs in as the administrator over the API of a throw-away context; the cookies it got.</summary>
    private async Task<string> SignInStateAsync()
    {
        await using var context = await NewContextAsync();
        var csrf = await CsrfTokenAsync(context);
        var response = await context.APIRequest.PostAsync("api/account/sign-in", new APIRequestContextOptions
        {
            DataObject = new { userName = AdminUserName, password = AdminPassword },
            Headers = new Dictionary<string, string> { ["X-CSRF-TOKEN"] = csrf },
        });
        Assert.True(response.Ok, $"signing in as {AdminUserName} answered {response.Status}: {await response.TextAsync()}");
        return await context.StorageStateAsync();
    }

    /// <summary>
    /// The path with "{event}" replaced by the seeded sanctions statement's event id, waiting (at most 120 s) until the
    /// Tagging worker has put it in an event (GET api/statements/{id}: eventId).
    /// </summary>
    public async Task<string> WithEventAsync(string path)
    {
        if (!path.Contains("{event}", StringComparison.Ordinal))
        {
            return path;
        }

        using var http = new HttpClient { BaseAddress = Dashboard.BaseAddress };
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            using var detail = JsonDocument.Parse(await http.GetStringAsync($"api/statements/{Sanctions.StatementId}"));
            if (detail.RootElement.GetProperty("eventId") is { ValueKind: JsonValueKind.Number } eventId)
            {
                return path.Replace("{event}", eventId.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(120), $"statement {Sanctions.StatementId} was not put in an event within 120 s");
        }
    }

    /// <summary>The X-CSRF-TOKEN value for the context's cookies (GET api/account/me).</summary>
    public static async Task<string> CsrfTokenAsync(IBrowserContext context)
    {
        var me = await context.APIRequest.GetAsync("api/account/me");
        Assert.True(me.Ok, $"GET api/account/me answered {me.Status}");
        var body = await me.JsonAsync();
        return body?.GetProperty("csrfToken").GetString() ?? throw new InvalidOperationException("api/account/me gave no csrfToken");
    }

    /// <summary>An HTTP client acting as the administrator with an API token (bearer: no cookie, no CSRF token).</summary>
    public async Task<HttpClient> AdminApiAsync()
    {
        if (_adminApi is not null)
        {
            return _adminApi;
        }

        await using var context = await NewSignedInContextAsync();
        var created = await context.APIRequest.PostAsync("api/account/tokens", new APIRequestContextOptions
        {
            DataObject = new { name = "browser tests", expiresInDays = 1 },
            Headers = new Dictionary<string, string> { ["X-CSRF-TOKEN"] = await CsrfTokenAsync(context) },
        });
        Assert.True(created.Ok, $"creating an API token answered {created.Status}: {await created.TextAsync()}");
        var token = (await created.JsonAsync())?.GetProperty("token").GetString() ?? throw new InvalidOperationException("no token in the answer");
        var client = new HttpClient { BaseAddress = Dashboard.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _adminApi = client;
        return client;
    }

    /// <summary>What the account pages show: an API token (account, and the admin client) and, for the inbox and the subscriptions, a seeded alert.</summary>
    public async Task PrepareAccountPagesAsync(string path)
    {
        await AdminApiAsync();
        if (path.StartsWith("alerts.html", StringComparison.Ordinal) || path.StartsWith("subscriptions.html", StringComparison.Ordinal))
        {
            await EnsureSeededAlertAsync();
        }
    }

    /// <summary>
    /// Once per fixture, so the inbox and subscriptions pages have something to show: a subscription on sanctions
    /// (in-app), a sanctions statement that raises an alert on it, then the subscription disabled, so the statements of
    /// other tests raise nothing more.
    /// </summary>
    public async Task EnsureSeededAlertAsync()
    {
        if (_seeded)
        {
            return;
        }

        var api = await AdminApiAsync();
        var request = new
        {
            name = "Seed: sanctions", kind = "statements", enabled = true, topics = new[] { "sanctions" }, topicMatch = "any",
            sources = Array.Empty<string>(), documentTypes = Array.Empty<string>(), minScore = 0.0, query = (string?)null, driftOnly = false,
            quietHours = (object?)null, timeZone = "Europe/Brussels", delivery = "immediate", digestHour = 8,
            channels = new { inApp = true, email = false, webhook = (object?)null },
        };
        using var created = await api.PostAsJsonAsync("api/subscriptions", request);
        Assert.True(created.IsSuccessStatusCode, $"creating the seed subscription answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var marker = Texts.UniqueWord("seedalert");
        await PublishAndStoreAsync(Texts.SanctionsStatement(marker));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var alerts = await api.GetFromJsonAsync<JsonElement>("api/alerts?limit=50");
            if (alerts.EnumerateArray().Any(a => a.GetProperty("title").GetString()?.Contains(marker, StringComparison.Ordinal) == true))
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the seed subscription raised no alert within 60 s");
            await Task.Delay(200);
        }

        using var disabled = await api.PutAsJsonAsync($"api/subscriptions/{id}", request with { enabled = false });
        Assert.True(disabled.IsSuccessStatusCode, $"disabling the seed subscription answered {(int)disabled.StatusCode}");
        _seeded = true;
    }

    /// <summary>Publishes a discovery and waits until Persistence has stored it; the stored form (id, topics).</summary>
    public Task<StatementStored> PublishAndStoreAsync(StatementDiscovered statement) => PublishAndStoreAsync(Bus, Store, statement);

    /// <summary>The topology's statements, read directly (one connection pool for the whole fixture).</summary>
    public StatementStore Store { get; private set; } = null!;

    public static async Task<StatementStored> PublishAndStoreAsync(PipelineBus bus, StatementStore store, StatementDiscovered statement)
    {
        await bus.PublishAsync(statement);
        return (await WaitForStoredAsync(store, [statement.ExternalId], TimeSpan.FromSeconds(60)))[0];
    }

    /// <summary>Waits until every one of the statements is stored; them, in the order asked.</summary>
    public static async Task<IReadOnlyList<StatementStored>> WaitForStoredAsync(StatementStore store, IReadOnlyList<string> externalIds, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var found = new Dictionary<string, StatementStored>(StringComparer.Ordinal);
        var wanted = externalIds.ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            foreach (var statement in await store.GetLatestAsync(500))
            {
                if (wanted.Contains(statement.ExternalId))
                {
                    found[statement.ExternalId] = statement;
                }
            }

            if (found.Count == wanted.Count)
            {
                return [.. externalIds.Select(id => found[id])];
            }

            if (clock.Elapsed > within)
            {
                throw new TimeoutException($"{wanted.Count - found.Count} of {wanted.Count} statements were not stored within {within.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        _adminApi?.Dispose();
        _signInLock.Dispose();
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Bus is not null)
        {
            await Bus.DisposeAsync();
        }

        if (Topology is not null)
        {
            await Topology.DisposeAsync();
        }
    }
}

[CollectionDefinition(nameof(DashboardCollection))]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>;
