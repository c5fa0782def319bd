using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace AbuseDetector.Web.Tests;

/// <summary>axe-core (npm, pinned in axe/package-lock.json) run inside a page, as an accessibility checker sees it.</summary>
internal static class Axe
{
    private static readonly string[] Failing = ["serious", "critical"];

    /// <summary>Fails with every serious or critical violation axe finds on the page as it is now.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var folder = Path.GetDirectoryName(RepositoryFiles.Find("tests/AbuseDetector.Web.Tests/axe/package-lock.json"))!;
        var script = Path.Combine(folder, "node_modules", "axe-core", "axe.min.js");
        Assert.True(File.Exists(script), $"{script} is missing: run `npm ci` in tests/AbuseDetector.Web.Tests/axe (tests/run.sh does).");
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = script });
        var results = await page.EvaluateAsync<JsonElement>("async () => { const r = await axe.run(); return { violations: r.violations, passes: r.passes.length }; }");
        Assert.True(results.GetProperty("passes").GetInt32() > 0, $"axe checked nothing on {page.Url}");
        var serious = results.GetProperty("violations").EnumerateArray().Where(v => Failing.Contains(v.GetProperty("impact").GetString())).ToList();
        Assert.True(serious.Count == 0, $"axe found {serious.Count} serious or critical violations on {page.Url}:{Environment.NewLine}{Describe(serious)}");
    }

    private static string Describe(IEnumerable<JsonElement> violations)
    {
        var text = new StringBuilder();
        foreach (var violation in violations)
        {
            text.Append("- ").Append(violation.GetProperty("impact").GetString()).Append(' ')
                .Append(violation.GetProperty("id").GetString()).Append(": ")
                .Append(violation.GetProperty("help").GetString()).AppendLine();
            foreach (var node in violation.GetProperty("nodes").EnumerateArray())
            {
                text.Append("    ").Append(node.GetProperty("html").GetString()).Append(" -- ")
                    .Append(node.GetProperty("failureSummary").GetString()?.ReplaceLineEndings(" ")).AppendLine();
            }
        }

        return text.ToString();
    }
}
