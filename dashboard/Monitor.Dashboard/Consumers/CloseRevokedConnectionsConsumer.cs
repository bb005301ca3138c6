using MassTransit;
using Monitor.Contracts;
using Monitor.Dashboard.Auth;

namespace Monitor.Dashboard.Consumers;

/// <summary>
/// A session, token or user ended on some replica: this replica closes its hub connections of it (every replica has
/// its own temporary queue, so every replica gets the event).
/// </summary>
public sealed class CloseRevokedConnectionsConsumer(AccessRevocation revocation) : IConsumer<AccessRevoked>
{
    public Task Consume(ConsumeContext<AccessRevoked> context)
    {
        revocation.Close(context.Message);
        return Task.CompletedTask;
    }
}
