using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Web.Internal;

/// <summary>
/// One page's Server-Sent Events: the scope's alerts from the alert feed, each with its history id as the event id so the
/// browser resumes after it (Last-Event-ID on a reconnect, <c>since</c> after a reload), and the live calls whenever
/// they change, checked once a second. One loop writes the response. The stream ends when the session does (checked
/// every second), so an expired or revoked sign-in stops receiving alerts.
/// </summary>
internal static class EventStream
{
    private static readonly TimeSpan CallsCheckPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(15);
    private const int MostQueuedEvents = 256;

    /// <summary>Streams until the page goes, the session ends or the service stops.</summary>
    /// <param name="http">The request.</param>
    /// <param name="page">Whose alerts, which of them the page may see, where to resume, and the live calls event.</param>
    /// <param name="sessionValid">Whether the page's session still holds.</param>
    /// <param name="timeProvider">The clock for the checks.</param>
    /// <param name="logger">Logs a stream that fails.</param>
    /// <param name="stopping">Ends the stream when the service stops.</param>
    public static async Task RunAsync(HttpContext http, PageStream page, Func<bool> sessionValid, TimeProvider timeProvider, ILogger logger, CancellationToken stopping)
    {
        var (feed, scope, since) = (page.Feed, page.Scope, page.Since);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var cancellationToken = ending.Token;
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var events = Channel.CreateBounded<string>(new BoundedChannelOptions(MostQueuedEvents) { SingleReader = true });
        if (!feed.KeepsHistory)
        {
            since = null;
            events.Writer.TryWrite(Event("notice", Json(new NoticeEvent("Alert history is not kept (the service runs without Redis): only alerts raised while this page is open are shown."), DashboardJson.Default.NoticeEvent)));
        }

        IAlertWatch watch;
        try
        {
            watch = await feed.WatchAsync(scope, since, cancellationToken);
        }
        catch (AlertFeedUnavailableException)
        {
            // Tell the page and end: the browser reconnects after the retry interval.
            await response.WriteAsync("retry: 3000\n\n" + Event("notice", Json(new NoticeEvent("Alerts cannot be read now: the alert store does not answer. Retrying…"), DashboardJson.Default.NoticeEvent)), cancellationToken);
            return;
        }

        await using (watch)
        {
            var reading = ReadAlertsAsync(watch, page.Shows, events.Writer, logger, cancellationToken);
            var checking = CheckCallsAsync(page.Calls, sessionValid, events.Writer, timeProvider, logger, cancellationToken);
            try
            {
                await response.WriteAsync("retry: 2000\n\n", cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
                await foreach (var text in events.Reader.ReadAllAsync(cancellationToken))
                {
                    await response.WriteAsync(text, cancellationToken);
                    if (events.Reader.Count == 0)
                    {
                        await response.Body.FlushAsync(cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The page went away or the service is stopping.
            }
            finally
            {
                // Both producers catch and log their own failures, so awaiting them only waits for them to stop.
                await ending.CancelAsync();
                await Task.WhenAll(reading, checking);
            }
        }
    }

    public static string Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) => JsonSerializer.Serialize(value, typeInfo);

    private static async Task ReadAlertsAsync(IAlertWatch watch, Func<Alert, bool> shows, ChannelWriter<string> events, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var watched in watch.ReadAllAsync(cancellationToken))
            {
                if (!shows(watched.Alert))
                {
                    continue;
                }

                var data = Json(AlertView.Of(watched.Alert), DashboardJson.Default.AlertView);
                await events.WriteAsync(Event("alert", data, watched.HistoryId), cancellationToken);
            }

            events.TryComplete();
        }
        catch (AlertFeedOverflowException)
        {
            // The page fell behind: end the stream; the browser reconnects with its last event id and catches up from history.
            events.TryComplete();
        }
        catch (AlertFeedUnavailableException)
        {
            events.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // End the stream rather than keep a page connected that no longer gets alerts: the browser reconnects.
            Failed(ex, events, logger, cancellationToken);
        }
    }

    private static async Task CheckCallsAsync(
        Func<(string Name, string Data)?> calls, Func<bool> sessionValid, ChannelWriter<string> events, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(CallsCheckPeriod, timeProvider);
        var quietFor = TimeSpan.Zero;
        try
        {
            do
            {
                if (!sessionValid())
                {
                    // The page reconnects, gets 401 and goes to its sign-in page.
                    events.TryComplete();
                    return;
                }

                if (calls() is { } changed)
                {
                    await events.WriteAsync(Event(changed.Name, changed.Data), cancellationToken);
                    quietFor = TimeSpan.Zero;
                }
                else if ((quietFor += CallsCheckPeriod) >= KeepAlivePeriod)
                {
                    // A comment line keeps proxies from closing an idle stream.
                    await events.WriteAsync(": keep-alive\n\n", cancellationToken);
                    quietFor = TimeSpan.Zero;
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
            // The alerts ended the stream first.
        }
        catch (Exception ex)
        {
            Failed(ex, events, logger, cancellationToken);
        }
    }

    private static void Failed(Exception exception, ChannelWriter<string> events, ILogger logger, CancellationToken cancellationToken)
    {
        if (!cancellationToken.IsCancellationRequested)
        {
            DashboardLog.EventStreamFailed(logger, exception);
        }

        events.TryComplete();
    }

    /// <summary>An event in the text/event-stream format; the data is one line of JSON.</summary>
    private static string Event(string name, string data, string? id = null)
    {
        var text = new StringBuilder(data.Length + 64);
        text.Append("event: ").Append(name).Append('\n');
        if (!string.IsNullOrEmpty(id))
        {
            text.Append("id: ").Append(id).Append('\n');
        }

        return text.Append("data: ").Append(data).Append("\n\n").ToString();
    }
}

/// <summary>What one page's event stream carries.</summary>
/// <param name="Feed">The alert feed.</param>
/// <param name="Scope">Whose alerts the feed is asked for.</param>
/// <param name="Shows">Which of them the page may see (the agent panel: the agent's own team only).</param>
/// <param name="Since">Where to resume, or null for live alerts only.</param>
/// <param name="Calls">The calls event's name and data when something changed since it was last sent, or null.</param>
internal sealed record PageStream(IAlertFeed Feed, AlertScope Scope, Func<Alert, bool> Shows, HistoryId? Since, Func<(string Name, string Data)?> Calls);
