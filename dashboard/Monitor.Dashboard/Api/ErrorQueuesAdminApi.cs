using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Monitor.Dashboard.Auth;
using Monitor.Hosting.Messaging;
using RabbitMQ.Client.Exceptions;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>/api/admin/error-queues</c>: what MassTransit moved to RabbitMQ's <c>&lt;queue&gt;_error</c> queues, a preview of
/// the messages with the error that put each there, and a replay into the queue they came from. The same
/// <see cref="ErrorQueues"/> as <c>monitor errors list|show|replay</c>. Admins only; the in-memory transport of the
/// embedded default has no error queues.
/// </summary>
public static partial class ErrorQueuesAdminApi
{
    public const string Path = "/api/admin/error-queues";
    public const int MaxPreview = 100;
    public const int MaxReplay = 100_000;

    /// <param name="Available">False on the in-memory transport (<paramref name="Reason"/> says why).</param>
    public sealed record ErrorQueuesView(bool Available, string? Reason, IReadOnlyList<ErrorQueue> Queues);

    public sealed record ReplayRequest(int? Count);

    public sealed record ReplayResult(string Queue, string Into, int Replayed);

    public static WebApplication MapErrorQueuesAdminApi(this WebApplication app)
    {
        var admin = app.MapGroup(Path).WithTags("Administration").RequireAuthorization(MonitorPolicies.Admin);
        admin.MapGet("/", List).WithSummary("Every error queue with its message count");
        admin.MapGet("/{queue}/messages", Peek).WithSummary("The first messages of an error queue (count 1-100, default 10), left in place");
        admin.MapPost("/{queue}/replay", Replay).WithSummary("Move an error queue's messages (all now in it, or 'count') back to their queue");
        return app;
    }

    private static async Task<IResult> List(IOptions<MessagingOptions> messaging, CancellationToken cancellationToken)
    {
        if (Broker(messaging) is not { } broker)
        {
            return TypedResults.Ok(new ErrorQueuesView(false, InMemory, []));
        }

        using var queues = new ErrorQueues(broker.Amqp, broker.Management);
        try
        {
            return TypedResults.Ok(new ErrorQueuesView(true, null, await queues.ListAsync(cancellationToken)));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Unreachable(broker.Management, ex);
        }
    }

    private static async Task<IResult> Peek(string queue, string? count, IOptions<MessagingOptions> messaging, CancellationToken cancellationToken)
    {
        var take = 10;
        if (count is not null && (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > MaxPreview))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid count", $"'count' must be a whole number from 1 to {MaxPreview}; got '{count}'.");
        }

        if (Check(queue, messaging, out var broker) is { } refused)
        {
            return refused;
        }

        using var queues = new ErrorQueues(broker!.Amqp, broker.Management);
        try
        {
            return TypedResults.Ok(await queues.PeekAsync(queue, take, cancellationToken));
        }
        catch (HttpRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return UnknownQueue(queue);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Unreachable(broker.Management, ex);
        }
    }

    private static async Task<IResult> Replay(string queue, ReplayRequest? request, IOptions<MessagingOptions> messaging, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request?.Count is { } count && (count < 1 || count > MaxReplay))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid count", $"'count' must be from 1 to {MaxReplay}, or absent for every message now in the queue; got {count}.");
        }

        if (Check(queue, messaging, out var broker) is { } refused)
        {
            return refused;
        }

        var errorQueue = ErrorQueues.ErrorQueueOf(queue);
        var into = errorQueue[..^ErrorQueues.Suffix.Length];
        using var queues = new ErrorQueues(broker!.Amqp, broker.Management);
        try
        {
            var replayed = await queues.ReplayAsync(queue, request?.Count, cancellationToken);
            LogReplayed(loggers.CreateLogger(typeof(ErrorQueuesAdminApi)), replayed, errorQueue, into);
            return TypedResults.Ok(new ReplayResult(errorQueue, into, replayed));
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown queue", $"RabbitMQ has no queue '{errorQueue}' or '{into}' to replay into.");
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or AlreadyClosedException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Broker unreachable", $"RabbitMQ at {broker.Amqp.Host}:{broker.Amqp.Port} did not take the replay: {ex.Message}");
        }
    }

    private const string InMemory = "This process runs the in-memory transport (the embedded default): there are no error queues; a message that fails is logged.";

    private sealed record BrokerAddress(Uri Amqp, Uri Management);

    /// <summary>The broker and its management API from Messaging:RabbitMq (ManagementUrl defaults to the host's port 15672).</summary>
    private static BrokerAddress? Broker(IOptions<MessagingOptions> messaging)
    {
        var options = messaging.Value;
        if (options.Transport != Transport.RabbitMq)
        {
            return null;
        }

        var rabbit = options.RabbitMq;
        var amqp = new UriBuilder("amqp", rabbit.Host, rabbit.Port, Uri.EscapeDataString(rabbit.VirtualHost))
        {
            UserName = Uri.EscapeDataString(rabbit.Username),
            Password = Uri.EscapeDataString(rabbit.Password),
        }.Uri;
        var management = rabbit.ManagementUrl is { Length: > 0 } url ? new Uri(url) : new Uri($"http://{rabbit.Host}:15672/");
        return new BrokerAddress(amqp, management);
    }

    private static IResult? Check(string queue, IOptions<MessagingOptions> messaging, out BrokerAddress? broker)
    {
        broker = null;
        if (!QueueName().IsMatch(queue))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid queue", $"'{queue}' is not a queue name (letters, digits, '.', '_', ':' and '-', up to 200).");
        }

        broker = Broker(messaging);
        return broker is null ? Problem(StatusCodes.Status409Conflict, "No error queues", InMemory) : null;
    }

    private static IResult UnknownQueue(string queue) =>
        Problem(StatusCodes.Status404NotFound, "Unknown queue", $"RabbitMQ has no queue '{ErrorQueues.ErrorQueueOf(queue)}'.");

    private static IResult Unreachable(Uri management, Exception ex) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "Broker unreachable",
            $"RabbitMQ's management API at {management.GetLeftPart(UriPartial.Authority)} did not answer ({ex.Message}); set Messaging:RabbitMq:ManagementUrl if it is elsewhere.");

    private static IResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,200}$")]
    private static partial Regex QueueName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replayed {Count} messages from {ErrorQueue} into {Queue} (admin page)")]
    private static partial void LogReplayed(ILogger logger, int count, string errorQueue, string queue);
}
