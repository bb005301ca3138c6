using System.Text.Json;
using Microsoft.Playwright;

namespace Monitor.BrowserTests;

/// <summary>
/// Records, inside the page, the moment each <c>li.statement</c> is inserted into the document (a MutationObserver
/// installed before any page script runs), so a test measures publish → visible on the one system clock without the
/// polling delay of a wait from outside the page.
/// </summary>
public static class LivePage
{
    /// <summary>Added to every context: window.__arrivals holds { t: Date.now(), el } per inserted li.statement.</summary>
    public const string ArrivalRecorder = """
        (() => {
          window.__arrivals = [];
          new MutationObserver((records) => {
            const t = Date.now();
            for (const record of records) {
              for (const node of record.addedNodes) {
                if (node.nodeType !== 1) continue;
                const items = node.matches('li.statement') ? [node] : [...node.querySelectorAll('li.statement')];
                for (const el of items) window.__arrivals.push({ t, el });
              }
            }
          }).observe(document, { childList: true, subtree: true });
        })();
        """;

    private const string FindArrival = """
        ([listId, text]) => {
          const hit = (window.__arrivals || []).find((a) => a.el.closest('#' + listId) !== null
            && (a.el.querySelector('.statement-title')?.textContent ?? '').includes(text));
          return hit ? { t: hit.t, statementId: Number(hit.el.dataset.statementId) } : null;
        }
        """;

    /// <summary>Waits until a statement whose title contains <paramref name="titlePart"/> is in the list; when it was inserted.</summary>
    public static async Task<Arrival> WaitForArrivalAsync(IPage page, string titlePart, TimeSpan within, string listId = "statements")
    {
        await page.WaitForFunctionAsync($"args => ({FindArrival})(args) !== null", new object[] { listId, titlePart },
            new PageWaitForFunctionOptions { Timeout = (float)within.TotalMilliseconds, PollingInterval = 50 });
        var found = await page.EvaluateAsync<JsonElement>(FindArrival, new object[] { listId, titlePart });
        return new Arrival(found.GetProperty("t").GetInt64(), found.GetProperty("statementId").GetInt64());
    }

    public static async Task WaitUntilLiveAsync(IPage page, TimeSpan within) =>
        await page.WaitForSelectorAsync("#connection-state[data-state=live]",
            new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = (float)within.TotalMilliseconds });

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>When (Unix ms, the page's clock) the statement's element was inserted, and its id.</summary>
    public sealed record Arrival(long T, long StatementId);
}
