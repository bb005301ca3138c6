namespace Monitor.Dashboard.Api;

/// <summary>
/// Every endpoint module of the dashboard, one resource per file. Adding an endpoint is its file and one line here.
/// </summary>
public static class ApiModules
{
    public static WebApplication MapMonitorApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapAccountApi();             // /api/account: sign-in, password, API tokens
        app.MapUsersAdminApi();          // /api/admin/users
        app.MapSourcesApi();             // /api/sources
        app.MapSourcesAdminApi();        // /api/admin/sources
        app.MapTopicsApi();              // /api/topics, /api/topics/summary, /api/topics/{id}
        app.MapHistoryApi();             // /api/statements: search, one statement, export, charts
        app.MapEventsApi();              // /api/events, /api/events/{id}: statements on the same story
        app.MapBriefingApi();            // /api/briefing, /api/briefing.md, /api/briefing.pdf: the living briefing
        app.MapLiveApi();                // /api/live/since: the live view's catch-up
        app.MapTaggingApi();             // /api/tagging
        app.MapSubscriptionsApi();       // /api/subscriptions (and each one's deliveries)
        app.MapDeliveriesApi();          // /api/deliveries/{id}/replay
        app.MapInboxApi();               // /api/alerts: the inbox
        app.MapTriageApi();              // /api/marks: read, starred, labels, notes per user
        app.MapAlertFeedApi();           // /feeds/alerts/{token}: Atom
        app.MapSavedSearchesApi();       // /api/saved-searches: named history queries
        app.MapStatementFeedsApi();      // /feeds/saved/{token}, /feeds/topics/{id}, /feeds/sources/{id}: Atom
        app.MapErrorQueuesAdminApi();    // /api/admin/error-queues
        app.MapBackfillAdminApi();       // /api/admin/backfills
        app.MapApiDocs();                // /openapi/v1.json, /api/docs
        return app;
    }
}
