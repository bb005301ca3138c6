using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>The sign-in page's form, as a person fills it.</summary>
internal static class SignInForm
{
    /// <summary>
    /// Fills and submits the form once the page's script is ready: it focuses the user name after asking who is signed
    /// in. A form filled before that once reached the script's handler with an empty password (a flaky CI failure), so
    /// the fields are also checked to hold what was typed before the click.
    /// </summary>
    public static async Task SubmitAsync(IPage page, string userName, string password)
    {
        var user = page.Locator("#signin-form [name=userName]");
        var secret = page.Locator("#signin-form [name=password]");
        await Assertions.Expect(user).ToBeFocusedAsync();
        await user.FillAsync(userName);
        await secret.FillAsync(password);
        await Assertions.Expect(user).ToHaveValueAsync(userName);
        await Assertions.Expect(secret).ToHaveValueAsync(password);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
    }
}
