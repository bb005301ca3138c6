using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Monitor.Testing;

/// <summary>
/// One Monitor process (a worker or the dashboard) started from its build output as a separate OS process,
/// configured only through environment variables, as docker-compose configures it.
/// </summary>
public sealed class MonitorProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _startInfo;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private MonitorProcess(string name, ProcessStartInfo startInfo, Uri baseAddress)
    {
        Name = name;
        _startInfo = startInfo;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Raised for every line of output as it is read (<see cref="Output"/> keeps only the last 2000).</summary>
    public event Action<string>? OutputLine;

    /// <summary>The OS process id once started (CPU and memory measurements).</summary>
    public int? ProcessId => _process?.Id;

    /// <param name="project">A project folder under the repository root, e.g. <c>workers/Monitor.Persistence</c>.</param>
    public static MonitorProcess Create(string project, IReadOnlyDictionary<string, string> environment)
    {
        var name = Path.GetFileName(project);
        var dll = Path.Combine(RepositoryRoot, project, "bin", BuildConfiguration, "net10.0", $"{name}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build the solution (dotnet build Monitor.sln -c {BuildConfiguration}) first.", dll);
        }

        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var startInfo = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        startInfo.Environment["ASPNETCORE_URLS"] = baseAddress.ToString();
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        return new MonitorProcess(name, startInfo, baseAddress);
    }

    public async Task StartAsync(TimeSpan? readyWithin = null)
    {
        _process = new Process { StartInfo = _startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilReadyAsync(readyWithin ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Starts the process again after <see cref="KillAsync"/> (or kills it first), on the same address, so clients
    /// that knew the old process (a browser page, a SignalR client) can reconnect to the new one.
    /// </summary>
    public async Task RestartAsync(TimeSpan? readyWithin = null)
    {
        if (_process is not null)
        {
            await KillAsync();
            _process.Dispose();
            _process = null;
        }

        await StartAsync(readyWithin);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, no goodbye.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var last = "no answer";
        while (deadline.Elapsed < within)
        {
            if (_process is { HasExited: true })
            {
                // Its last lines (the error that stopped it) may still be on their way from the output pipes: waiting
                // for the exit also waits for them.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            catch (TaskCanceledException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name} was not ready within {within.TotalSeconds} s (last answer: {last}):\n{Output}");
    }

    /// <summary>
    /// Waits until the process has written <paramref name="text"/>: its output arrives through a pipe a little after the
    /// work it reports (a row committed, then the log line read), so a test asserts a line by waiting for it.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (deadline.Elapsed > within)
            {
                throw new TimeoutException($"{Name} did not write \"{text}\" within {within.TotalSeconds} s:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        await KillAsync();
        _process.Dispose();
        // Disposing twice (a test, then its topology) is harmless.
        _process = null;
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        OutputLine?.Invoke(line);
        while (_output.Count > 2000 && _output.TryDequeue(out _))
        {
        }
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string BuildConfiguration =>
        typeof(MonitorProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Monitor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Monitor.sln not found above {AppContext.BaseDirectory}");
    }

    // Below Linux's ephemeral range (32768-60999): a port the kernel picked for us could be handed to an outgoing
    // connection (to PostgreSQL, RabbitMQ, a feed) before the process binds it, and the process fails to start.
    private const int FirstPort = 20000;
    private const int PortCount = 12000;
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>A port on 127.0.0.1 that is free now, outside the ephemeral range, never handed out twice by this process.</summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = FirstPort + Random.Shared.Next(PortCount);
            if (!HandedOut.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }

        throw new InvalidOperationException($"No free port found on 127.0.0.1 between {FirstPort} and {FirstPort + PortCount - 1}.");
    }
}
