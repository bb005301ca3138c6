using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Monitor.Testing;

/// <summary>
/// A real SMTP server on 127.0.0.1 (a free port) inside the test process that keeps every message it accepts,
/// parsed with MimeKit. It can refuse recipients for good (550), defer them (450), or answer the next N messages'
/// DATA with 451, as a busy mail relay does.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private readonly ConcurrentDictionary<string, bool> _rejected = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _deferred = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private readonly ConcurrentQueue<string> _signIns = new();
    private int _deferMessages;
    private int _deferredMessages;

    private SmtpSink(int port, (string UserName, string Password)? credentials)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("sink.localhost")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port));
                if (credentials is not null)
                {
                    // A test relay without TLS: AUTH over the plain connection, and no mail without it.
                    endpoint.AuthenticationRequired().AllowUnsecureAuthentication();
                }
            })
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Filter(this));
        if (credentials is { } required)
        {
            services.Add(new DelegatingUserAuthenticator((user, password) =>
            {
                var valid = user == required.UserName && password == required.Password;
                _signIns.Enqueue(valid ? user : "refused:" + user);
                return valid;
            }));
        }

        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>Every message accepted so far, in arrival order.</summary>
    public IReadOnlyList<MimeMessage> Messages => _messages.ToList();

    /// <summary>DATA answers refused with 451 so far.</summary>
    public int DeferredMessageCount => Volatile.Read(ref _deferredMessages);

    /// <summary>Sign-ins tried so far: the user name, prefixed "refused:" when the password was wrong.</summary>
    public IReadOnlyList<string> SignIns => _signIns.ToList();

    /// <param name="credentials">When given, the sink takes mail only after SMTP AUTH with them.</param>
    public static async Task<SmtpSink> StartAsync((string UserName, string Password)? credentials = null)
    {
        var sink = new SmtpSink(MonitorProcess.FreePort(), credentials);
        await sink.WaitUntilListeningAsync();
        return sink;
    }

    /// <summary>RCPT TO this address is answered 550: the mailbox does not exist (permanent).</summary>
    public void RejectRecipient(string address) => _rejected[address] = true;

    /// <summary>RCPT TO this address is answered 450: the mailbox is busy (try again later).</summary>
    public void DeferRecipient(string address) => _deferred[address] = true;

    /// <summary>The next <paramref name="count"/> messages are answered 451 after their DATA and not kept.</summary>
    public void DeferNextMessages(int count) => Volatile.Write(ref _deferMessages, count);

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (_messages.Count < count)
        {
            if (clock.Elapsed > within)
            {
                throw new TimeoutException($"The SMTP sink got {_messages.Count} of {count} messages within {within.TotalSeconds} s.");
            }

            await Task.Delay(50);
        }

        return Messages;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server.Shutdown();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }

        _stop.Dispose();
    }

    private async Task WaitUntilListeningAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10) && !_running.IsCompleted)
            {
                await Task.Delay(20);
            }
        }
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (TakeDeferral())
            {
                Interlocked.Increment(ref sink._deferredMessages);
                return new SmtpResponse((SmtpReplyCode)451, "Local error, try again later");
            }

            using var stream = new MemoryStream(buffer.ToArray());
            sink._messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }

        private bool TakeDeferral()
        {
            while (true)
            {
                var left = Volatile.Read(ref sink._deferMessages);
                if (left <= 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref sink._deferMessages, left - 1, left) == left)
                {
                    return true;
                }
            }
        }
    }

    private sealed class Filter(SmtpSink sink) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            var address = $"{to.User}@{to.Host}";
            if (sink._deferred.ContainsKey(address))
            {
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)450, "Mailbox busy, try again later"));
            }

            if (sink._rejected.ContainsKey(address))
            {
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)550, "No such mailbox"));
            }

            return Task.FromResult(true);
        }
    }
}
