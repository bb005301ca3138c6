using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Monitor.Testing;

/// <summary>
/// A RabbitMQ node of a test's own, so the test can stop and restart it without touching the shared broker on 5672:
/// its own node name, AMQP and distribution ports on 127.0.0.1, data and log directories, Erlang cookie (a private
/// HOME) and no plugins (so no management listener). Run from Debian's rabbitmq-server package as the current user.
/// Its state (durable queues and their messages) survives a restart. Disposing stops it and deletes its directory.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    private const string Bin = "/usr/lib/rabbitmq/bin";
    private readonly string _root;
    private readonly Dictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _server;

    private PrivateRabbitMq(string root, int port, int distributionPort)
    {
        _root = root;
        Port = port;
        NodeName = $"monitor-test-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}@localhost";
        _environment = new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(root, "home"),
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(root, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(root, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(root, "enabled_plugins"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(root, "rabbitmq-env.conf"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(root, "rabbitmq.conf"),
        };
    }

    public string NodeName { get; }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string Username => "guest";

    public string Password => "guest";

    public string Output => string.Join(Environment.NewLine, _output);

    public static async Task<PrivateRabbitMq> StartAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "rabbitmq-server")))
        {
            throw new InvalidOperationException($"No RabbitMQ server at {Bin}: run the tests through scripts/test.sh, which installs it.");
        }

        var root = Directory.CreateTempSubdirectory("monitor-rabbitmq-").FullName;
        var rabbit = new PrivateRabbitMq(root, MonitorProcess.FreePort(), MonitorProcess.FreePort());
        try
        {
            foreach (var directory in new[] { "home", "mnesia", "log" })
            {
                Directory.CreateDirectory(Path.Combine(root, directory));
            }

            // The cookie only this node and the CLI calls below (same HOME) share.
            var cookie = Path.Combine(root, "home", ".erlang.cookie");
            await File.WriteAllTextAsync(cookie, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
            }
            await File.WriteAllTextAsync(Path.Combine(root, "enabled_plugins"), "[].\n");
            await File.WriteAllTextAsync(Path.Combine(root, "rabbitmq-env.conf"), "");
            await File.WriteAllTextAsync(Path.Combine(root, "rabbitmq.conf"), "log.console = false\n");
            await rabbit.StartAgainAsync();
            return rabbit;
        }
        catch
        {
            await rabbit.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped node (same name, ports and data) and waits until it takes connections.</summary>
    public async Task StartAgainAsync()
    {
        var startInfo = new ProcessStartInfo(Path.Combine(Bin, "rabbitmq-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        foreach (var (key, value) in _environment)
        {
            startInfo.Environment[key] = value;
        }

        _server = new Process { StartInfo = startInfo };
        _server.OutputDataReceived += (_, e) => Capture(e.Data);
        _server.ErrorDataReceived += (_, e) => Capture(e.Data);
        _server.Start();
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        // await_startup needs the Erlang node registered first: retry it until the broker is up.
        var deadline = Stopwatch.StartNew();
        var last = "";
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"RabbitMQ node {NodeName} exited with code {_server.ExitCode}:\n{Output}");
            }

            var (code, output) = await CtlAsync(["await_startup", "--timeout", "10"], TimeSpan.FromSeconds(20));
            if (code == 0)
            {
                return;
            }

            last = output;
            await Task.Delay(500);
        }

        throw new TimeoutException($"RabbitMQ node {NodeName} did not start within 90 s: {last}\n{Output}");
    }

    /// <summary>A clean stop (<c>rabbitmqctl stop</c>): connections closed, durable queues and persistent messages kept.</summary>
    public async Task StopAsync()
    {
        var (code, output) = await CtlAsync(["stop"], TimeSpan.FromSeconds(60));
        if (code != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl stop on {NodeName} exited with {code}: {output}");
        }

        if (_server is not null)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _server.WaitForExitAsync(wait.Token);
            _server.Dispose();
            _server = null;
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    /// <summary>Every queue of the default virtual host with the messages in it (ready and unacknowledged).</summary>
    public async Task<IReadOnlyDictionary<string, long>> ListQueuesAsync()
    {
        var (code, output) = await CtlAsync(["-q", "list_queues", "-p", "/", "name", "messages", "--formatter", "json"], TimeSpan.FromSeconds(30));
        if (code != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl list_queues on {NodeName} exited with {code}: {output}");
        }

        var start = output.IndexOf('[', StringComparison.Ordinal);
        using var document = JsonDocument.Parse(start < 0 ? "[]" : output[start..]);
        return document.RootElement.EnumerateArray().ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            await CtlAsync(["stop"], TimeSpan.FromSeconds(30));
            if (!_server.HasExited)
            {
                _server.Kill(entireProcessTree: true);
            }

            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A log still open by the node on its way out: the temporary directory is left behind.
        }
    }

    private Task<(int ExitCode, string Output)> CtlAsync(IEnumerable<string> arguments, TimeSpan timeout) =>
        ServiceCommand.RunAsync(Path.Combine(Bin, "rabbitmqctl"), ["-n", NodeName, .. arguments], timeout, environment: _environment);

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 500 && _output.TryDequeue(out _))
        {
        }
    }
}
