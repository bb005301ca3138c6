using MassTransit;

namespace Monitor.Hosting.Messaging;

/// <summary>
/// How a message of many statements keeps a bad one from failing its neighbours: the statement that cannot be handled is
/// sent back to the same queue in a message of its own, marked with <see cref="Header"/>, and the message is acknowledged
/// with its neighbours done. The message of one then takes the endpoint's retry policy alone, and ends in the error queue
/// alone.
/// </summary>
public static class SentBackAlone
{
    /// <summary>Marks a statement sent back alone.</summary>
    public const string Header = "Monitor-Sent-Back";

    /// <summary>The message's first delivery and first try, and not a statement sent back alone.</summary>
    public static bool IsFirstTry(ConsumeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetRetryAttempt() == 0 && context.GetRedeliveryCount() == 0 && !context.Headers.TryGetHeader(Header, out _);
    }

    /// <summary>Sends <paramref name="message"/> (one statement) back to the queue <paramref name="context"/> came from.</summary>
    public static Task SendAsync<T>(ConsumeContext context, T message)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Send(context.ReceiveContext.InputAddress, message, sent => sent.Headers.Set(Header, true));
    }
}
