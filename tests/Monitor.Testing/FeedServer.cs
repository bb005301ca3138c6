using System.Globalization;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Monitor.Testing;

public sealed record TestFeedItem(string Guid, string Title, string Description, DateTimeOffset Published);

/// <summary>How the test feed answers: properly, or in one of the ways real sites fail.</summary>
public enum FeedBehaviour
{
    Feed,
    ServerError,
    HtmlPage,
    AcceptedEmpty,
}

/// <summary>An RSS 2.0 feed on 127.0.0.1 whose items a test changes while Monitor polls it.</summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<TestFeedItem> _items = [];

    private FeedServer(WebApplication app) => _app = app;

    public Uri FeedUrl { get; private set; } = null!;

    public int Requests { get; private set; }

    public FeedBehaviour Behaviour { get; set; } = FeedBehaviour.Feed;

    public static async Task<FeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FeedServer(app);
        app.MapGet("/feed.xml", () => server.Behaviour switch
        {
            FeedBehaviour.ServerError => Results.Problem("The feed backend is down", statusCode: 500),
            FeedBehaviour.HtmlPage => Results.Text("<!DOCTYPE html><html><body><h1>Please enable JavaScript</h1></body></html>", "text/html"),
            FeedBehaviour.AcceptedEmpty => Results.StatusCode(202),
            _ => Results.Text(server.Render(), "application/rss+xml; charset=utf-8"),
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.FeedUrl = new Uri(new Uri(address), "/feed.xml");
        return server;
    }

    public void Add(params TestFeedItem[] items)
    {
        lock (_items)
        {
            _items.AddRange(items);
        }
    }

    public void Replace(TestFeedItem item)
    {
        lock (_items)
        {
            _items.RemoveAll(i => i.Guid == item.Guid);
            _items.Add(item);
        }
    }

    private string Render()
    {
        lock (_items)
        {
            Requests++;
            var feed = new XElement("rss", new XAttribute("version", "2.0"),
                new XElement("channel",
                    new XElement("title", "Test feed"),
                    new XElement("link", "http://127.0.0.1/"),
                    new XElement("description", "Statements written for Monitor's tests"),
                    _items.Select(i => new XElement("item",
                        new XElement("title", i.Title),
                        new XElement("link", $"https://example.org/statements/{i.Guid}"),
                        new XElement("guid", new XAttribute("isPermaLink", "false"), i.Guid),
                        new XElement("pubDate", i.Published.ToString("r", CultureInfo.InvariantCulture)),
                        new XElement("description", i.Description)))));
            return "<?xml version=\"1.0\" encoding=\"utf-8\"?>" + feed.ToString(SaveOptions.DisableFormatting);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
