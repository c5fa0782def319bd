using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace AbuseDetector.Web.Internal;

/// <summary>The sign-in forms, filled into the embedded template on the server (the only pages with server-made HTML).</summary>
internal sealed class SignInPages(StaticAssets assets)
{
    private readonly string _template = assets.Text("sign-in.html");

    public Task WriteAsync(HttpContext http, SessionRole role, string? message, int statusCode = StatusCodes.Status200OK)
    {
        var encoder = HtmlEncoder.Default;
        var fields = role == SessionRole.Supervisor
            ? Field("tenant", "Tenant", "organization") + Field("team", "Team", "off") + Field("name", "Your name", "name") + Field("token", "Supervisor token", "current-password", "password")
            : Field("tenant", "Tenant", "organization") + Field("team", "Team", "off") + Field("agent", "Agent id", "username") + Field("token", "Agent token", "current-password", "password");
        var html = _template
            .Replace("{{title}}", role == SessionRole.Supervisor ? "Supervisor sign-in" : "Agent sign-in", StringComparison.Ordinal)
            .Replace("{{action}}", Sessions.PathOf(role) + "/sign-in", StringComparison.Ordinal)
            .Replace("{{message}}", message is null ? string.Empty : encoder.Encode(message), StringComparison.Ordinal)
            .Replace("{{fields}}", fields, StringComparison.Ordinal);
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(html);

        static string Field(string name, string label, string autocomplete, string type = "text") =>
            $"""<div class="field"><label for="{name}">{label}</label><input id="{name}" name="{name}" type="{type}" autocomplete="{autocomplete}" required maxlength="{MaxLength(name)}"></div>""";

        static int MaxLength(string name) => name switch
        {
            "token" => 512,
            "name" => Sessions.MostNameLength,
            _ => DashboardEndpoints.MostIdLength,
        };
    }
}
