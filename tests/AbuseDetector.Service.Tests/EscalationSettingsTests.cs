using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Service.Tests;

/// <summary>The protocol's settings reach calls from configuration: a tenant's own script lines per language, and bad values stop start-up.</summary>
public sealed class EscalationSettingsTests
{
    [Fact]
    public async Task Scripts_TenantAndLanguageFromConfiguration_UsedForThatTenantsCallsOnly()
    {
        // Arrange
        await using var service = await ServiceInstance.StartAsync(new Dictionary<string, string?>
        {
            ["AbuseDetector:Escalation:Scripts:acme/fr:Notice"] = "Je veux bien vous aider, mais vous rendez-vous compte que vous m'insultez ?",
        });
        var client = service.NewClient();

        // Act
        var french = await FirstNoticeAsync(client, "acme", "fr-FR");
        var english = await FirstNoticeAsync(client, "acme", "en-GB");
        var otherTenant = await FirstNoticeAsync(client, "globex", "fr-FR");

        // Assert
        Assert.Equal("Je veux bien vous aider, mais vous rendez-vous compte que vous m'insultez ?", french);
        Assert.Equal("I'm happy to help you, but do you realise you are insulting me?", english);
        Assert.Equal(english, otherTenant);
    }

    [Fact]
    public async Task CalmPeriod_OutOfRange_StartUpStopsWithTheSentence()
    {
        // Act
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ServiceInstance.StartAsync(new Dictionary<string, string?>
        {
            ["AbuseDetector:Escalation:CalmPeriod"] = "00:00:01",
        }));

        // Assert
        var sentence = AbuseDetectorServiceExtensions.StartupFailure(error);
        Assert.NotNull(sentence);
        Assert.Contains("CalmPeriod", sentence, StringComparison.Ordinal);
    }

    private static async Task<string> FirstNoticeAsync(Contracts.V1.AbuseDetector.AbuseDetectorClient client, string tenant, string language)
    {
        await using var call = await client.StartCallAsync(new CallStart { CallId = Guid.NewGuid().ToString("N"), TenantId = tenant, AgentId = "a", TeamId = "t", Language = language });
        await call.SendChunkAsync(new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = "you're a useless idiot", IsFinal = true });
        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
        await foreach (var update in call.ReadUpdatesAsync())
        {
            if (update.UpdateCase == CallUpdate.UpdateOneofCase.Escalation)
            {
                return update.Escalation.RecommendedScript;
            }
        }

        Assert.Fail("the insult raised no escalation change");
        return "";
    }
}
