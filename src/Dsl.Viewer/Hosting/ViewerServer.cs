using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scheme.Engine.Store;
using Scheme.Viewer.Data;
using Scheme.Viewer.Pages;
using Scheme.Viewer.Security;

namespace Scheme.Viewer.Hosting;

/// <summary>
/// The viewer of one run directory: Kestrel on 127.0.0.1 only (never another interface), the pages and API of
/// <see cref="ViewerEndpoints"/> behind <see cref="RequestGuard"/>, and the background search index. Start with
/// <see cref="StartAsync"/>; dispose to stop.
/// </summary>
public sealed class ViewerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SearchIndex _index;
    private readonly RunFiles _files;

    private ViewerServer(WebApplication app, SearchIndex index, RunFiles files, Uri url, string? warning)
    {
        _app = app;
        _index = index;
        _files = files;
        Url = url;
        Warning = warning;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Url { get; }

    /// <summary>A warning to print at start (the index is not beside run.db), or null.</summary>
    public string? Warning { get; }

    public SearchIndex Index => _index;

    /// <summary>Checks the run directory, opens the index, binds the port and starts serving.</summary>
    /// <exception cref="ViewerStartException">Not a run directory, a bad option, or a port that cannot be bound.</exception>
    public static async Task<ViewerServer> StartAsync(ViewerOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Port is < 0 or > 65535)
        {
            throw new ViewerStartException(ViewerCodes.BadOption, $"--port must be from 0 (a free port) to 65535, not {options.Port}.");
        }
        if (options.Reviewer is { } reviewer && ReviewLabels.Problem("unit", "outcome", reviewer, null) is { } problem)
        {
            throw new ViewerStartException(ViewerCodes.BadOption, "--reviewer: " + problem);
        }
        var database = Path.Combine(options.RunDirectory, SqliteRunStore.FileName);
        if (!File.Exists(database))
        {
            throw new ViewerStartException(ViewerCodes.NotARunDirectory, $"{options.RunDirectory} is not a run directory (no {SqliteRunStore.FileName}).");
        }
        var (index, warning) = OpenIndex(options, database);
        var files = new RunFiles(options.RunDirectory, index.Path);
        try
        {
            // Read once now, so a file that is not a run database is said at start, not on the first page.
            using (var lease = files.Read())
            {
                using var command = lease.Connection.CreateCommand();
                command.CommandText = "SELECT unit_id, status, outcomes FROM units LIMIT 1;";
                command.ExecuteScalar();
            }
            var guard = new RequestGuard();
            var app = Build(options, guard);
            new ViewerEndpoints(options, files, index, guard).Map(app);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw new ViewerStartException(ViewerCodes.PortUnavailable,
                    $"Cannot listen on 127.0.0.1:{options.Port} ({(e.InnerException ?? e).Message.TrimEnd('.')}). Use another --port, or --port 0 for a free one.", e);
            }
            catch (SocketException e)
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw new ViewerStartException(ViewerCodes.PortUnavailable, $"Cannot listen on 127.0.0.1:{options.Port} ({e.Message.TrimEnd('.')}).", e);
            }
            var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
            guard.Bind(port);
            index.Start();
            var url = new Uri($"http://127.0.0.1:{port}/");
            await WarmUpAsync(url, cancellationToken).ConfigureAwait(false);
            return new ViewerServer(app, index, files, url, warning);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidDataException)
        {
            files.Dispose();
            index.Dispose();
            throw new ViewerStartException(ViewerCodes.NotARunDirectory, $"{database} is not a readable run database: {e.Message}", e);
        }
        catch
        {
            files.Dispose();
            index.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One request through the whole pipeline before the URL is given out (routing, the guard, SQLite's connection and the
    /// unit list's query are compiled and opened once), so the researcher's first page costs what every later one does.
    /// </summary>
    private static async Task WarmUpAsync(Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            using var page = await http.GetAsync("api/units?size=1", cancellationToken).ConfigureAwait(false);
            using var shell = await http.GetAsync("units", cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Only a warm-up: the first real request reports whatever is wrong.
        }
    }

    /// <summary>view-index.db beside run.db; when the run directory is read-only (an archived run), in a temp folder (SCH9038).</summary>
    private static (SearchIndex Index, string? Warning) OpenIndex(ViewerOptions options, string database)
    {
        var directory = options.IndexDirectory ?? options.RunDirectory;
        try
        {
            return (new SearchIndex(database, Path.Combine(directory, SearchIndex.FileName), options.IndexPollInterval), null);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            var elsewhere = Directory.CreateTempSubdirectory("scheme-view-").FullName;
            try
            {
                return (new SearchIndex(database, Path.Combine(elsewhere, SearchIndex.FileName), options.IndexPollInterval),
                    $"warning {ViewerCodes.IndexElsewhere}: cannot write {Path.Combine(directory, SearchIndex.FileName)} ({e.Message.TrimEnd('.')}); the search index is in {elsewhere}.");
            }
            catch (Exception inner) when (inner is Microsoft.Data.Sqlite.SqliteException or InvalidDataException)
            {
                throw new ViewerStartException(ViewerCodes.NotARunDirectory, $"{database} is not a readable run database: {inner.Message}", inner);
            }
        }
        catch (InvalidDataException e)
        {
            throw new ViewerStartException(ViewerCodes.NotARunDirectory, e.Message, e);
        }
    }

    private static WebApplication Build(ViewerOptions options, RequestGuard guard)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Loopback only: never IPAddress.Any, whatever the options say.
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        var app = builder.Build();
        app.Use((context, next) => guard.InvokeAsync(context, _ => next()));
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _index.Dispose();
        _files.Dispose();
    }
}
