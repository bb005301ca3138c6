using System.CommandLine;
using Monitor.Hosting.Messaging;

namespace Monitor.Cli.Commands;

/// <summary>
/// <c>monitor errors list|show|replay</c>: what MassTransit moved to RabbitMQ's <c>&lt;queue&gt;_error</c> queues, and
/// putting it back. The broker is <c>--broker</c> (an amqp URI with the virtual host as its path) or MONITOR_BROKER; the
/// management API is <c>--management</c> (credentials default to the broker's).
/// </summary>
internal static class ErrorsCommand
{
    public static Command Create()
    {
        var command = new Command("errors", "See and replay the messages in RabbitMQ's error queues (distributed setup).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Replay());
        return command;
    }

    private static Option<string> BrokerOption() => new("--broker", "-b")
    {
        Description = "The broker, as an amqp URI (virtual host as its path).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MONITOR_BROKER") is { Length: > 0 } b ? b : "amqp://guest:guest@localhost:5672/",
    };

    private static Option<string> ManagementOption() => new("--management", "-m")
    {
        Description = "RabbitMQ's management API (credentials default to the broker's).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MONITOR_BROKER_MANAGEMENT") is { Length: > 0 } m ? m : "http://localhost:15672/",
    };

    private static Argument<string> QueueArgument() => new("queue") { Description = "The queue (store-statement) or its error queue (store-statement_error)." };

    private static Command List()
    {
        var (broker, management) = (BrokerOption(), ManagementOption());
        var command = new Command("list", "Every error queue with the number of messages in it.") { broker, management };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(broker)!, parse.GetValue(management)!, async queues =>
        {
            var found = await queues.ListAsync(cancellationToken);
            if (found.Count == 0)
            {
                Console.Out.WriteLine("No error queues.");
            }

            foreach (var queue in found)
            {
                Console.Out.WriteLine($"{queue.Name,-40} {queue.Messages,8}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var (broker, management, queue) = (BrokerOption(), ManagementOption(), QueueArgument());
        var count = new Option<int>("--count", "-n") { Description = "How many messages to show.", DefaultValueFactory = _ => 10 };
        var command = new Command("show", "The first messages of an error queue, with the error that put each there (left in place).") { queue, broker, management, count };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(broker)!, parse.GetValue(management)!, async queues =>
        {
            foreach (var message in await queues.PeekAsync(parse.GetValue(queue)!, parse.GetValue(count), cancellationToken))
            {
                Console.Out.WriteLine($"{message.MessageId} {message.MessageType} at {message.FailedAt}");
                Console.Out.WriteLine($"    {message.ExceptionType}: {message.Reason}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Replay()
    {
        var (broker, management, queue) = (BrokerOption(), ManagementOption(), QueueArgument());
        var count = new Option<int?>("--count", "-n") { Description = "Replay at most this many (default: every message now in the error queue)." };
        var command = new Command("replay", "Move the messages of <queue>_error back to <queue>, to be consumed again.") { queue, broker, management, count };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(broker)!, parse.GetValue(management)!, async queues =>
        {
            var name = parse.GetValue(queue)!;
            var moved = await queues.ReplayAsync(name, parse.GetValue(count), cancellationToken);
            Console.Out.WriteLine($"Replayed {moved} messages from {ErrorQueues.ErrorQueueOf(name)}.");
            return 0;
        }));
        return command;
    }

    private static async Task<int> RunAsync(string broker, string management, Func<ErrorQueues, Task<int>> action)
    {
        if (!Uri.TryCreate(broker, UriKind.Absolute, out var brokerUri) || !Uri.TryCreate(management, UriKind.Absolute, out var managementUri))
        {
            await Console.Error.WriteLineAsync("error: --broker and --management must be absolute URIs (amqp://user:password@host:5672/vhost, http://host:15672/).");
            return 2;
        }

        using var queues = new ErrorQueues(brokerUri, managementUri);
        try
        {
            return await action(queues);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or RabbitMQ.Client.Exceptions.RabbitMQClientException or RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.PublishException or System.Net.Sockets.SocketException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }
}
