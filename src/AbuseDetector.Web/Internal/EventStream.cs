using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AbuseDetector.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AbuseDetector.Web.Internal;

/// <summary>
/// One page's Server-Sent Events: the scope's alerts from the alert feed, each with its history id as the event id so the
/// browser resumes after it (Last-Event-ID on a reconnect, <c>since</c> after a reload), and the live calls whenever
/// they change, checked once a second. One loop writes the response.
/// </summary>
internal static class EventStream
{
    private static readonly TimeSpan CallsCheckPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(15);
    private const int MostQueuedEvents = 256;

    /// <summary>Streams until the page goes or the service stops.</summary>
    /// <param name="http">The request.</param>
    /// <param name="feed">The alert feed.</param>
    /// <param name="scope">Whose alerts.</param>
    /// <param name="since">Where to resume, or null for live alerts only.</param>
    /// <param name="calls">The calls event's name and data when something changed since the last call, or null.</param>
    /// <param name="timeProvider">The clock for the checks.</param>
    /// <param name="stopping">Ends the stream when the service stops.</param>
    public static async Task RunAsync(HttpContext http, IAlertFeed feed, AlertScope scope, HistoryId? since, Func<(string Name, string Data)?> calls, TimeProvider timeProvider, CancellationToken stopping)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var cancellationToken = ending.Token;
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var events = Channel.CreateBounded<string>(new BoundedChannelOptions(MostQueuedEvents) { SingleReader = true });
        if (since is not null && !feed.KeepsHistory)
        {
            since = null;
            events.Writer.TryWrite(Event("notice", Json(new NoticeEvent("Alert history is not kept (the service runs without Redis): alerts raised while this page was away are not shown."), DashboardJson.Default.NoticeEvent)));
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
            var reading = ReadAlertsAsync(watch, events.Writer, cancellationToken);
            var checking = CheckCallsAsync(calls, events.Writer, timeProvider, cancellationToken);
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
                await ending.CancelAsync();
                await Task.WhenAll(reading, checking).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }

    public static string Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) => JsonSerializer.Serialize(value, typeInfo);

    private static async Task ReadAlertsAsync(IAlertWatch watch, ChannelWriter<string> events, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var watched in watch.ReadAllAsync(cancellationToken))
            {
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
    }

    private static async Task CheckCallsAsync(Func<(string Name, string Data)?> calls, ChannelWriter<string> events, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(CallsCheckPeriod, timeProvider);
        var quietFor = TimeSpan.Zero;
        try
        {
            do
            {
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
