using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace Engine.Host.Web;

/// <summary>
/// Optional authentication of the web UI and the REST API (<see cref="WebOptions.Password"/>): every endpoint but the
/// login page, the stylesheet and <c>/healthz</c> needs a session cookie, given by <c>POST /login</c> with the password
/// (HttpOnly, SameSite=Strict, seven days, sliding), or <c>Authorization: Bearer &lt;password&gt;</c> (scripts,
/// Prometheus). Pages redirect to <c>/login</c>; API calls get 401. The password is compared in constant time.
/// </summary>
internal static class WebAuth
{
    public const string CookieName = "engine-session";
    public const string LoginPath = "/login";

    public static void AddTo(IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.LoginPath = LoginPath;
            o.ExpireTimeSpan = TimeSpan.FromDays(7);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = ctx =>
            {
                if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/metrics"))
                    ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                else
                    ctx.Response.Redirect(ctx.RedirectUri);
                return Task.CompletedTask;
            };
        });
        services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    public static void Use(WebApplication app, string password)
    {
        app.UseAuthentication();
        app.Use(async (ctx, next) =>
        {
            var header = ctx.Request.Headers.Authorization.ToString();
            if (header.StartsWith("Bearer ", StringComparison.Ordinal) && Matches(header["Bearer ".Length..], password))
                ctx.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "token")], "Bearer"));
            await next(ctx);
        });
        app.UseAuthorization();
    }

    public static void Map(WebApplication app, string password)
    {
        app.MapGet(LoginPath, (string? returnUrl) => Results.Content(Page(null, returnUrl), "text/html; charset=utf-8")).AllowAnonymous();
        app.MapPost(LoginPath, async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync();
            var returnUrl = form["returnUrl"].ToString();
            if (!Matches(form["password"].ToString(), password))
                return Results.Content(Page("wrong password", returnUrl), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
            var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "user")], CookieAuthenticationDefaults.AuthenticationScheme));
            await ctx.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, user);
            // Only a path of this site (never another host) is a place to go back to.
            return Results.Redirect(returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
        }).AllowAnonymous().DisableAntiforgery();
        app.MapPost("/logout", async (HttpContext ctx) =>
        {
            await ctx.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect(LoginPath);
        }).DisableAntiforgery();
    }

    internal static bool Matches(string given, string password) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    private static string Page(string? error, string? returnUrl) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1.0" />
        <title>Engine — sign in</title><link rel="stylesheet" href="assets/site.css" /></head>
        <body>
        <header class="topbar"><h1>Engine</h1></header>
        <main>
          <form class="card login" id="login" method="post" action="login">
            <h2>Sign in</h2>
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}" />
            <label>Password <input id="password" name="password" type="password" autofocus autocomplete="current-password" /></label>
            <button id="login-submit" type="submit">Sign in</button>
            {{(error is null ? "" : $"<p class=\"form-error\" id=\"login-error\">{WebUtility.HtmlEncode(error)}</p>")}}
          </form>
        </main>
        </body>
        </html>
        """;
}
