using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

namespace Monitor.Dashboard.Problems;

/// <summary>
/// One mechanism for the body of every refusal: a request the framework refuses before an endpoint runs (invalid
/// JSON, a wrong type, the wrong media type, an oversized body) throws a <see cref="BadHttpRequestException"/>, which
/// <see cref="BadRequestProblemHandler"/> answers with its status and a ProblemDetails that says what was wrong; any
/// other 4xx or 5xx left without a body (no route for an overflowing id, an unknown path, 405) gets a ProblemDetails
/// from the status code pages. Endpoints write their own problems as before.
/// </summary>
public static class ProblemsSetup
{
    public static WebApplicationBuilder AddProblemBodies(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestProblemHandler>();

        // Binding failures throw instead of answering an empty 400/415/413, so the handler above can say what failed.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }

    public static WebApplication UseProblemBodies(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>A request refused while it was read or bound: its status (400, 413, 415) and what was wrong with it.</summary>
public sealed class BadRequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        var detail = bad.InnerException is JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "Body too large",
                    StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                    _ => "Invalid request",
                },
                Detail = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType
                    ? $"{detail} Send the body as application/json."
                    : detail,
            },
        });
    }
}
