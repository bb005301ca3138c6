using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Contracts;

namespace Monitor.IntegrationTests.Alerts;

/// <summary>
/// The in-app channel over real SignalR connections: an alert reaches its owner's connections only. Silence is proven,
/// not assumed: after the owner received the alert, later pushes (a broadcast to all, an alert of the other user) are
/// seen to reach the others, and a connection gets its pushes in order, so anything sent to them before would be there.
/// </summary>
[Collection(AlertsDashboardCollection.Name)]
public sealed class InAppAlertTests(AlertsDashboard dashboard)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_alert_reaches_every_connection_of_its_owner_and_no_other_user_or_anonymous_client()
    {
        var alice = await dashboard.UserAsync("analyst");
        var bob = await dashboard.UserAsync("analyst");
        await using var aliceTab1 = await HubClient.ConnectAsync(dashboard.Process.BaseAddress, alice.Token);
        await using var aliceTab2 = await HubClient.ConnectAsync(dashboard.Process.BaseAddress, alice.Token);
        await using var bobTab = await HubClient.ConnectAsync(dashboard.Process.BaseAddress, bob.Token);
        await using var anonymous = await HubClient.ConnectAsync(dashboard.Process.BaseAddress, token: null);
        var forAlice = Alert(alice.Id, "For Alice only");

        await dashboard.EnqueueAsync(forAlice);
        var got1 = await aliceTab1.WaitForAlertAsync(forAlice.AlertId, Within);
        var got2 = await aliceTab2.WaitForAlertAsync(forAlice.AlertId, Within);

        // Later pushes: one to everyone, one to Bob. Once they arrive, anything sent earlier would have arrived too.
        var forBob = Alert(bob.Id, "For Bob only");
        var broadcast = Statement();
        await dashboard.EnqueueAsync(forBob);
        await dashboard.EnqueueAsync(new StatementsStored([broadcast]));
        await bobTab.WaitForAlertAsync(forBob.AlertId, Within);
        await bobTab.WaitForStatementAsync(broadcast.StatementId, Within);
        await anonymous.WaitForStatementAsync(broadcast.StatementId, Within);
        await aliceTab1.WaitForStatementAsync(broadcast.StatementId, Within);

        Assert.Equal(forAlice.Title, got1.Title);
        Assert.Equal(alice.Id, got2.UserId);
        Assert.Equal([forBob.AlertId], bobTab.Alerts.Select(a => a.AlertId));
        Assert.Empty(anonymous.Alerts);
        Assert.Equal([forAlice.AlertId], aliceTab1.Alerts.Select(a => a.AlertId));
        Assert.Equal([forAlice.AlertId], aliceTab2.Alerts.Select(a => a.AlertId));
    }

    [Fact]
    public async Task An_alert_of_a_subscription_with_in_app_off_is_not_pushed()
    {
        var alice = await dashboard.UserAsync("analyst");
        await using var tab = await HubClient.ConnectAsync(dashboard.Process.BaseAddress, alice.Token);
        var silent = Alert(alice.Id, "Inbox only") with { Notify = false };
        var loud = Alert(alice.Id, "Pushed");

        await dashboard.EnqueueAsync(silent);
        await dashboard.EnqueueAsync(loud);
        await tab.WaitForAlertAsync(loud.AlertId, Within);
        var broadcast = Statement();
        await dashboard.EnqueueAsync(new StatementsStored([broadcast]));
        await tab.WaitForStatementAsync(broadcast.StatementId, Within);

        Assert.Equal([loud.AlertId], tab.Alerts.Select(a => a.AlertId));
    }

    private static AlertTriggered Alert(long userId, string title) =>
        new(Random.Shared.NextInt64(1_000_000, long.MaxValue), 1, userId, "Test subscription", "statement", title,
            "https://www.nato.int/cps/en/natohq/news_1.htm", ["collective-defence"], DateTimeOffset.UtcNow)
        {
            StatementId = 1,
            Revision = 1,
        };

    private static StatementStored Statement()
    {
        var id = Random.Shared.NextInt64(1_000_000, long.MaxValue);
        return new(id, 1, "test-feed", $"x-{id}", "https://www.nato.int/cps/en/natohq/news_2.htm", "A broadcast", "Summary",
            DateTimeOffset.UtcNow, [new TopicScore("collective-defence", 0.8, [])], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
    }

    /// <summary>A SignalR client of the hub signed in with an API token (or anonymous), recording what it receives.</summary>
    private sealed class HubClient : IAsyncDisposable
    {
        private readonly HubConnection _connection;

        private HubClient(HubConnection connection)
        {
            _connection = connection;
            connection.On<AlertTriggered>(nameof(AlertTriggered), a => Alerts.Enqueue(a));
            connection.On<StatementStored>(nameof(StatementStored), s => Statements.Enqueue(s));
            connection.On<StatementStored[]>("StatementsStored", list => Array.ForEach(list, Statements.Enqueue));
        }

        public ConcurrentQueue<AlertTriggered> Alerts { get; } = new();

        public ConcurrentQueue<StatementStored> Statements { get; } = new();

        public static async Task<HubClient> ConnectAsync(Uri dashboard, string? token)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(dashboard, "/hubs/monitor"), options =>
                {
                    if (token is not null)
                    {
                        options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    }
                })
                .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
                .Build();
            var client = new HubClient(connection);
            await connection.StartAsync();
            return client;
        }

        public async Task<AlertTriggered> WaitForAlertAsync(long alertId, TimeSpan within)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < within)
            {
                if (Alerts.FirstOrDefault(a => a.AlertId == alertId) is { } alert)
                {
                    return alert;
                }

                await Task.Delay(50);
            }

            throw new TimeoutException($"Alert {alertId} did not arrive within {within.TotalSeconds} s; {Alerts.Count} alerts did.");
        }

        public async Task WaitForStatementAsync(long statementId, TimeSpan within)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < within)
            {
                if (Statements.Any(s => s.StatementId == statementId))
                {
                    return;
                }

                await Task.Delay(50);
            }

            throw new TimeoutException($"Statement {statementId} did not arrive within {within.TotalSeconds} s; {Statements.Count} statements did.");
        }

        public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
    }
}
