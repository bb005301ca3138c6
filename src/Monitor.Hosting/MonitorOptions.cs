using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Monitor.Hosting;

/// <summary>The one way a process binds its settings: <c>AddOptions&lt;T&gt;().BindConfiguration(section).ValidateOnStart()</c>.</summary>
public static class MonitorOptions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="sectionName"/> (validators added to the returned builder's
    /// options run at start-up) and returns the values configured now, for wiring that is decided while the host is
    /// built (which workers to host, which sign-in schemes to add). Bind each type once: a second binding would append
    /// list settings to themselves.
    /// </summary>
    public static T AddMonitorOptions<T>(this IHostApplicationBuilder builder, string sectionName) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<T>().BindConfiguration(sectionName).ValidateOnStart();
        return builder.Configuration.GetSection(sectionName).Get<T>() ?? new T();
    }
}
