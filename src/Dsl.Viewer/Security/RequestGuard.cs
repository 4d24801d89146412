using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Scheme.Viewer.Security;

/// <summary>
/// What every request passes before it reaches a page or the API. The server listens on 127.0.0.1 only, but a web page
/// the researcher has open elsewhere can still reach it: through DNS rebinding (a hostile name resolving to 127.0.0.1)
/// or by posting a form cross-site. So: a request whose Host is not this server's own (127.0.0.1:PORT or
/// localhost:PORT) is refused with 421; a write (the only one is a review label) needs an Origin header naming this
/// server and the per-process CSRF token the page carries; any other method is 405. Every response carries a strict
/// Content-Security-Policy (scripts and styles from this server only, no inline script, no framing), nosniff and
/// no-referrer, so a model-written string that slipped into HTML still could not run.
/// </summary>
public sealed class RequestGuard
{
    public const string TokenHeader = "X-Scheme-Csrf";

    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private readonly byte[] _token = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
    private string[] _hosts = [];
    private string[] _origins = [];

    /// <summary>The token of this process; a new one at every start.</summary>
    public string Token => Encoding.ASCII.GetString(_token);

    /// <summary>Set once the port is bound (port 0 is chosen by the system).</summary>
    public void Bind(int port)
    {
        _hosts = [$"127.0.0.1:{port}", $"localhost:{port}"];
        _origins = _hosts.Select(h => "http://" + h).ToArray();
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        var request = context.Request;
        if (!_hosts.Contains(request.Host.Value ?? "", StringComparer.OrdinalIgnoreCase))
        {
            await Refuse(context, StatusCodes.Status421MisdirectedRequest, $"This viewer answers only at {_origins.FirstOrDefault()}/ (Host '{request.Host.Value}' refused).");
            return;
        }
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            await next(context);
            return;
        }
        if (!HttpMethods.IsPost(request.Method))
        {
            await Refuse(context, StatusCodes.Status405MethodNotAllowed, "Only GET and POST.");
            return;
        }
        var origin = request.Headers.Origin.ToString();
        if (!_origins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "A write needs an Origin header naming this viewer (cross-site requests are refused).");
            return;
        }
        var token = Encoding.ASCII.GetBytes(request.Headers[TokenHeader].ToString());
        if (!CryptographicOperations.FixedTimeEquals(token, _token))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "A write needs this viewer's CSRF token (reload the page: the viewer was restarted).");
            return;
        }
        await next(context);
    }

    private static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message });
    }

    /// <summary>Text placed in the page's HTML (a meta tag's content): encoded.</summary>
    public static string Attribute(string text) => WebUtility.HtmlEncode(text);
}
