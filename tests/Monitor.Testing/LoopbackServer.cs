using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Monitor.Testing;

/// <summary>
/// A Kestrel server on 127.0.0.1 (a free port unless the URLs name one) for the fakes the tests talk to: feeds, webhook
/// receivers, OTLP collectors, identity providers. <c>map</c> adds the endpoints. Only loopback addresses are accepted.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _graceful;

    private LoopbackServer(WebApplication app, bool graceful)
    {
        _app = app;
        _graceful = graceful;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>The first address the server listens on, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseAddress { get; }

    /// <summary>An absolute URL on the server.</summary>
    public Uri Url(string path) => new(BaseAddress, path);

    /// <summary>
    /// Starts a server on a free port of 127.0.0.1. graceful: disposing waits for requests in flight (StopAsync);
    /// otherwise it drops them at once (a server that trickles or stalls answers).
    /// </summary>
    public static Task<LoopbackServer> StartAsync(Action<WebApplication> map, bool graceful = true) =>
        StartAsync(map, ["http://127.0.0.1:0"], graceful);

    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map, IReadOnlyList<string> urls, bool graceful = true)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(urls);
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !System.Net.IPAddress.TryParse(uri.Host, out var ip) || !System.Net.IPAddress.IsLoopback(ip))
            {
                throw new ArgumentException($"A loopback server listens on 127.0.0.0/8 or [::1] only, not on '{url}'.", nameof(urls));
            }
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. urls]);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackServer(app, graceful);
    }

    public async ValueTask DisposeAsync()
    {
        if (_graceful)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }
}
