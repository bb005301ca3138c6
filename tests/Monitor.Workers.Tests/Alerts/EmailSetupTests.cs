using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.Alerts.Delivery;
using Monitor.Core.Alerts;

namespace Monitor.Workers.Tests.Alerts;

/// <summary>The SMTP settings are checked when the Alerts worker starts, not at the first send.</summary>
public sealed class EmailSetupTests
{
    [Theory]
    [InlineData("Starttls-please", 587, "Monitor <monitor@example.org>", "Alerts:Smtp:Security must be one of")]
    [InlineData("2", 587, "Monitor <monitor@example.org>", "Alerts:Smtp:Security must be one of")]
    [InlineData("StartTls", 0, "Monitor <monitor@example.org>", "Alerts:Smtp:Port must be from 1 to 65535")]
    [InlineData("StartTls", 587, "not an address", "Alerts:Smtp:From must be an email address")]
    public void A_wrong_smtp_setting_is_refused_with_its_name(string security, int port, string from, string expected)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(new SmtpOptions { Host = "smtp.example.org", Security = security, Port = port, From = from }));

        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public void Good_settings_and_no_smtp_at_all_both_start()
    {
        var configured = Resolve(new SmtpOptions { Host = "smtp.example.org", Security = "starttls", Port = 587, From = "alerts@example.org" });
        var off = Resolve(new SmtpOptions { Security = "whatever", From = "" });

        Assert.True(configured.Smtp.Enabled);
        Assert.False(off.Smtp.Enabled);
    }

    private static AlertsOptions Resolve(SmtpOptions smtp)
    {
        var services = new ServiceCollection();
        services.AddOptions<AlertsOptions>().Configure(options => options.Smtp = smtp);
        services.AddEmailAndDigests();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<AlertsOptions>>().Value;
    }
}
