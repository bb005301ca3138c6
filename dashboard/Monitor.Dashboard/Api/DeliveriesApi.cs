using Monitor.Dashboard.Auth;
using Monitor.Data.Alerts;

namespace Monitor.Dashboard.Api;

/// <summary>
/// <c>POST /api/deliveries/{id}/replay</c>: the owner sends a dead delivery again. A subscription's deliveries are
/// listed under <c>/api/subscriptions/{id}/deliveries</c> (<see cref="SubscriptionsApi"/>). Another user's id answers 404.
/// </summary>
public static partial class DeliveriesApi
{
    public static WebApplication MapDeliveriesApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/deliveries/{id:long}/replay", Replay).RequireAuthorization(MonitorPolicies.Subscribe).WithTags("Subscriptions");
        return app;
    }

    private static async Task<IResult> Replay(
        long id, HttpContext http, DeliveryStore deliveries, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var userId = http.User.UserId();
        switch (await deliveries.ReplayAsync(id, userId, time.GetUtcNow(), cancellationToken))
        {
            case DeliveryReplay.Replayed:
                LogReplayed(loggers.CreateLogger(typeof(DeliveriesApi)), id, userId);
                return TypedResults.Accepted((string?)null);
            case DeliveryReplay.NotDead:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Delivery not dead",
                    detail: $"Delivery {id} is pending or delivered; only a dead delivery can be replayed.");
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown delivery", detail: $"There is no delivery {id}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} replayed by user {UserId}")]
    private static partial void LogReplayed(ILogger logger, long deliveryId, long userId);
}
