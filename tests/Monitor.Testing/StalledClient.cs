using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Monitor.Testing;

/// <summary>
/// A stalled client of the dashboard hub: a raw WebSocket with a 4 KB receive buffer that completes the SignalR JSON
/// handshake, keeps pinging (so the server's client timeout never is what closes it) and never reads. Its socket
/// fills and the dashboard must drop it. A ping that fails means the dashboard has closed the connection: the time of
/// the first failed ping is <see cref="DroppedAt"/> (at most two ping intervals after the drop).
/// </summary>
public sealed class StalledClient : IAsyncDisposable
{
    private const string RecordSeparator = "\u001e";

    private readonly SocketsHttpHandler _handler;
    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stopPinging = new();
    private Task _pinging = Task.CompletedTask;
    private long _droppedAtTicks;

    private StalledClient(SocketsHttpHandler handler, ClientWebSocket socket)
    {
        _handler = handler;
        _socket = socket;
    }

    /// <summary>When a ping first failed (the dashboard had closed the connection); null while pings go through.</summary>
    public DateTimeOffset? DroppedAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _droppedAtTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Connects, completes the handshake and starts pinging every <paramref name="pingInterval"/>.</summary>
    public static async Task<StalledClient> ConnectAsync(Uri dashboard, TimeSpan pingInterval, CancellationToken cancellationToken = default)
    {
        var handler = SmallReceiveWindowHandler();
        var socket = new ClientWebSocket();
        try
        {
            var hub = new UriBuilder(new Uri(dashboard, "/hubs/monitor")) { Scheme = "ws" }.Uri;
            using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
            await socket.ConnectAsync(hub, invoker, cancellationToken);
            await SendTextAsync(socket, """{"protocol":"json","version":1}""" + RecordSeparator, cancellationToken);
            var buffer = new byte[256];
            var answer = await socket.ReceiveAsync(buffer, cancellationToken);
            var text = Encoding.UTF8.GetString(buffer, 0, answer.Count);
            if (text != "{}" + RecordSeparator)
            {
                throw new InvalidOperationException($"The hub answered the handshake with '{text}'.");
            }
        }
        catch
        {
            socket.Dispose();
            handler.Dispose();
            throw;
        }

        var client = new StalledClient(handler, socket);
        client._pinging = client.PingAsync(pingInterval, client._stopPinging.Token);
        return client;
    }

    /// <summary>
    /// Stops pinging, then reads until the server closes or resets the connection (or <paramref name="within"/> ends);
    /// counts the statements that arrived before. Ended is false when the connection was still open.
    /// </summary>
    public async Task<(int Statements, bool Ended)> DrainAsync(TimeSpan within)
    {
        await _stopPinging.CancelAsync();
        await _pinging;
        using var deadline = new CancellationTokenSource(within);
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        var ended = false;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ended = true;
                    break;
                }

                var count = decoder.GetChars(buffer, 0, result.Count, chars, 0);
                text.Append(chars, 0, count);
            }
        }
        catch (WebSocketException)
        {
            ended = true;
        }
        catch (OperationCanceledException)
        {
            ended = false;
        }

        var statements = text.ToString().Split(RecordSeparator).Count(m => m.Contains("\"target\":\"StatementStored\"", StringComparison.Ordinal));
        return (statements, ended);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopPinging.CancelAsync();
        await _pinging;
        _socket.Abort();
        _socket.Dispose();
        _handler.Dispose();
        _stopPinging.Dispose();
    }

    /// <summary>A 4 KB receive buffer, so the stalled client's kernel holds little of what it is sent.</summary>
    private static SocketsHttpHandler SmallReceiveWindowHandler() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>SignalR pings until stopped or until a send fails because the server dropped the connection.</summary>
    private async Task PingAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await SendTextAsync(_socket, """{"type":6}""" + RecordSeparator, cancellationToken);
                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            // Dropped by the server while pinging: what a stalled client expects.
            Interlocked.CompareExchange(ref _droppedAtTicks, DateTimeOffset.UtcNow.UtcTicks, 0);
        }
    }

    private static Task SendTextAsync(ClientWebSocket socket, string text, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
}
