using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;
using Scheme.Viewer.Data;
using Scheme.Viewer.Pages;
using Scheme.Viewer.Security;

namespace Scheme.Viewer.Hosting;

/// <summary>
/// The viewer's routes. Pages (<c>/</c>, <c>/units</c>, <c>/unit</c>, <c>/pair</c>, <c>/queue</c>) all serve the one
/// HTML shell, whose ES module reads the URL and calls the JSON API (<c>/api/...</c>): every page is a permalink.
/// Static files come from the assembly's embedded resources by exact name, never from the file system. Malformed input
/// is a 400 with the reason; only POST /api/labels writes.
/// </summary>
public sealed class ViewerEndpoints(ViewerOptions options, RunFiles files, SearchIndex index, RequestGuard guard)
{
    private static readonly string[] PagePaths = ["/", "/units", "/unit", "/pair", "/queue"];
    private readonly Lock _write = new();

    public void Map(WebApplication app)
    {
        var pages = new UnitPages(files, index);
        var detail = new UnitDetail(files, pages, index, options.Experiment, options.MaxTextChars);
        var queue = new ReviewQueuePage(files, pages, index);
        var overview = new Overview(options.Analyze, options.Experiment, () => ReviewLabels.LastSequence(files.DatabasePath));
        var facets = new Facets(files, options.Experiment);
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 1 && context.Request.Query.ContainsKey("q"))
            {
                await Error(context, 400, "The search text cannot be used: " + e.Message);
            }
            catch (Exception e) when (e is SqliteException or InvalidDataException or IOException)
            {
                // The run's file changed under us (replaced, damaged, locked): said plainly, never a trace.
                await Error(context, 503, "The run database cannot be read right now: " + e.Message);
            }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                // A bug: one line for the page, never a stack trace to the browser.
                await Error(context, 500, $"Internal error of the viewer: {e.GetType().Name}: {e.Message}");
            }
        });
        foreach (var path in PagePaths)
        {
            app.MapGet(path, () => Results.Content(Shell(), "text/html; charset=utf-8"));
        }
        app.MapGet("/assets/{name}", (string name) => Asset(name));
        app.MapGet("/api/run", () => Results.Json(Run(facets)));
        app.MapGet("/api/overview", async () => Results.Json(await overview.GetAsync()));
        app.MapGet("/api/units", (HttpRequest request) =>
        {
            var (filter, error) = UnitFilter.Parse(request.Query, options.MaxPageSize);
            return filter is null ? Bad(error!) : Results.Json(pages.List(filter));
        });
        app.MapGet("/api/count", (HttpRequest request) =>
        {
            var (filter, error) = UnitFilter.Parse(request.Query, options.MaxPageSize);
            return filter is null ? Bad(error!) : Results.Json(new { count = pages.Count(filter), partial = filter.NeedsIndex && !index.State.Ready });
        });
        app.MapGet("/api/unit", (HttpRequest request) =>
        {
            var id = request.Query["id"].ToString();
            if (id.Length is 0 or > UnitFilter.MaxValueLength)
            {
                return Bad($"id must be a unit id (1 to {UnitFilter.MaxValueLength} characters).");
            }
            return detail.Get(id) is { } unit ? Results.Json(unit) : Results.Json(new { error = $"No unit '{UnitFilter.Shorten(id)}' in this run." }, statusCode: 404);
        });
        app.MapGet("/api/queue", (HttpRequest request) =>
        {
            var outcome = request.Query["outcome"].ToString();
            if (outcome.Length is 0 or > 200 || !outcome.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return Bad("outcome must be an outcome's name.");
            }
            if (!Number(request, "seed", 1, out var seed) || !Number(request, "from", 0, out var from) || !Number(request, "size", 50, out var size)
                || from < 0 || size is < 1 or > 500)
            {
                return Bad("seed, from and size must be whole numbers (size 1 to 500).");
            }
            var reviewer = options.Reviewer ?? (request.Query["reviewer"].ToString() is { Length: > 0 and <= ReviewLabels.MaxReviewerLength } r ? r : null);
            return Results.Json(queue.Get(outcome, seed, reviewer, (int)from, (int)size));
        });
        app.MapPost("/api/labels", async (HttpRequest request) => await AddLabel(request));
        app.MapFallback("{*path}", (HttpContext context) => Results.Json(new { error = "Not found." }, statusCode: 404));
    }

    private static IResult Bad(string error) => Results.Json(new { error }, statusCode: 400);

    private static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message });
    }

    private static bool Number(HttpRequest request, string key, long fallback, out long value)
    {
        var text = request.Query[key].ToString();
        value = fallback;
        return text.Length == 0 || long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private JsonObject Run(Facets facets)
    {
        var (indexed, total, ready, error) = index.State;
        var manifest = RunDatabase.ReadManifest(files.DatabasePath);
        return new JsonObject
        {
            ["experiment"] = manifest?.Experiment ?? options.Experiment?.Name,
            ["directory"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(files.RunDirectory))),
            ["simulated"] = manifest?.IsSimulated,
            ["reviewer"] = options.Reviewer,
            ["index"] = new JsonObject { ["indexed"] = indexed, ["total"] = total, ["ready"] = ready, ["state"] = index.Building, ["error"] = error },
            ["facets"] = facets.Get(),
        };
    }

    /// <summary>The HTML shell with this process's CSRF token and the reviewer (encoded attributes; no inline script).</summary>
    private string Shell()
    {
        var html = ReadAsset("index.html") ?? throw new InvalidOperationException("The viewer's index.html is not embedded.");
        return html.Replace("{{csrf}}", RequestGuard.Attribute(guard.Token), StringComparison.Ordinal)
            .Replace("{{reviewer}}", RequestGuard.Attribute(options.Reviewer ?? ""), StringComparison.Ordinal);
    }

    private static IResult Asset(string name)
    {
        var type = Path.GetExtension(name) switch
        {
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => null,
        };
        // Exact names of embedded files only: no path is ever joined, so no traversal can reach the disk.
        return type is not null && ReadAsset(name) is { } text ? Results.Content(text, type) : Results.Json(new { error = "Not found." }, statusCode: 404);
    }

    private static string? ReadAsset(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("wwwroot/" + name);
        if (stream is null || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            return null;
        }
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record LabelRequest(string? UnitId, string? Outcome, string? Verdict, string? Note, string? Reviewer);

    private async Task<IResult> AddLabel(HttpRequest request)
    {
        LabelRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<LabelRequest>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return Bad("The label must be JSON: {unitId, outcome, verdict, note}.");
        }
        if (body is null || string.IsNullOrEmpty(body.UnitId) || string.IsNullOrEmpty(body.Outcome))
        {
            return Bad("The label needs unitId and outcome.");
        }
        if (!ReviewLabel.TryParse(body.Verdict, out var verdict))
        {
            return Bad("verdict must be confirmed, rejected or unclear.");
        }
        // --reviewer, when given, is who every label of this viewer is by; otherwise the name the page asked for.
        var reviewer = options.Reviewer ?? body.Reviewer ?? "";
        var label = new ReviewLabel(body.UnitId, body.Outcome, verdict, reviewer, string.IsNullOrWhiteSpace(body.Note) ? null : body.Note, DateTimeOffset.UtcNow);
        if (ReviewLabels.Problem(label.UnitId, label.Outcome, label.Reviewer, label.Note) is { } problem)
        {
            return Bad(problem);
        }
        try
        {
            lock (_write)
            {
                using var store = SqliteRunStore.Open(options.RunDirectory);
                var stored = store.AppendReviewLabel(label);
                return Results.Json(new { seq = stored.Sequence, reviewer = stored.Reviewer, verdict = ReviewLabel.Text(stored.Verdict), at = stored.At });
            }
        }
        catch (ArgumentException e)
        {
            return Bad(e.Message.Split(" (Parameter", 2)[0]);
        }
    }

}
