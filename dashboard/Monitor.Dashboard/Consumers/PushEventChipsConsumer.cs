using MassTransit;
using Monitor.Contracts;
using Monitor.Dashboard.Live;

namespace Monitor.Dashboard.Consumers;

/// <summary>
/// Statements just put in events by the Tagging worker's clustering, pushed to this replica's clients (a temporary queue
/// per replica, as statements are) so the live view draws or updates each statement's event chip.
/// <see cref="LiveBroadcaster"/> sends only the statements it pushed live, to the same clients it pushed them to.
/// (Not named Push<i>Statement</i>…: <see cref="BusGapObserver"/> watches the endpoint whose name starts with push-statement.)
/// </summary>
public sealed class PushEventChipsConsumer(LiveBroadcaster live) : IConsumer<StatementsGrouped>
{
    public async Task Consume(ConsumeContext<StatementsGrouped> context) =>
        await live.StatementsGroupedAsync(context.Message, context.CancellationToken);
}
