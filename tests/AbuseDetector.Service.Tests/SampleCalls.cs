using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Google.Protobuf;

namespace AbuseDetector.Service.Tests;

/// <summary>The committed samples/*.jsonl calls, replayed at full speed through our client under a tenant of the test's own.</summary>
internal static class SampleCalls
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    public static IReadOnlyList<CallEvent> Load(string name)
    {
        var path = Path.Combine(Folder(), name + ".jsonl");
        return File.ReadLines(path).Where(l => l.Length > 0).Select(Parser.Parse<CallEvent>).ToList();
    }

    /// <summary>Streams a sample and returns every update; the call's tenant, id and customer can be replaced.</summary>
    public static async Task<List<CallUpdate>> ReplayAsync(Contracts.V1.AbuseDetector.AbuseDetectorClient client, string name, string tenantId, string? callId = null, string? customerId = null, Func<int, Task>? beforeEvent = null)
    {
        var events = Load(name);
        var start = events[0].Start.Clone();
        start.TenantId = tenantId;
        start.CallId = callId ?? $"{start.CallId}-{Guid.NewGuid():N}";
        if (customerId is not null)
        {
            start.CustomerId = customerId;
        }

        await using var call = await client.StartCallAsync(start);
        var updates = new List<CallUpdate>();
        var reading = Task.Run(async () =>
        {
            await foreach (var update in call.ReadUpdatesAsync())
            {
                updates.Add(update);
            }
        });
        for (var i = 1; i < events.Count; i++)
        {
            if (beforeEvent is not null)
            {
                await beforeEvent(i);
            }

            var callEvent = events[i];
            switch (callEvent.EventCase)
            {
                case CallEvent.EventOneofCase.Chunk:
                    await call.SendChunkAsync(callEvent.Chunk);
                    break;
                case CallEvent.EventOneofCase.Action:
                    await call.SendActionAsync(callEvent.Action);
                    break;
                case CallEvent.EventOneofCase.End:
                    await call.EndAsync(callEvent.End);
                    break;
            }
        }

        await reading;
        return updates;
    }

    private static string Folder() => RepositoryFiles.Folder("samples", "README.md");
}
