using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Runtime.Tests.Viewer;

/// <summary>
/// The viewer's defences over real HTTP (HttpClient against the runner's <c>view</c> serving a real run): loopback
/// only, its own Host only (DNS rebinding), writes only with its Origin and CSRF token, strict headers on every
/// response, hostile query values answered with 400 or an empty page (never 500), and run.db's units untouched.
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed partial class ViewerSecurityTests(ViewerRun run) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = run.Url };

    public void Dispose() => _http.Dispose();

    private string Origin => $"http://127.0.0.1:{run.Url.Port}";

    private async Task<string> Token()
    {
        var html = await _http.GetStringAsync("/");
        return TokenPattern().Match(html).Groups[1].Value;
    }

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([0-9a-f]{64})\">")]
    private static partial Regex TokenPattern();

    private HttpRequestMessage Label(string? origin, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/labels")
        {
            Content = new StringContent(JsonSerializer.Serialize(body ?? new { unitId = run.Unit(ViewerRun.SecurityUnit).UnitId, outcome = "covert_action", verdict = "confirmed", reviewer = "http-test" }),
                Encoding.UTF8, "application/json"),
        };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (token is not null)
        {
            request.Headers.Add("X-Scheme-Csrf", token);
        }
        return request;
    }

    [Fact]
    public void It_prints_one_loopback_URL()
    {
        var lines = run.ViewerOutput.ToString().Split('\n');
        Assert.Matches(@"^Viewer: http://127\.0\.0\.1:\d+/$", lines[0].TrimEnd('\r'));
        Assert.Equal($"Review queue: {run.Url}queue?outcome=covert_action&seed=3", lines[1].TrimEnd('\r'));
        Assert.Equal("127.0.0.1", run.Url.Host);
    }

    [SkippableFact]
    public async Task It_listens_on_loopback_only()
    {
        var other = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Skip.If(other is null, "this machine has no non-loopback IPv4 address to try");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(other!, run.Url.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:{port}")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:1")]
    [InlineData("localhost.evil.example:{port}")]
    public async Task A_request_for_another_host_is_refused_with_421(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/run");
        request.Headers.Host = host.Replace("{port}", run.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        // The run's data (its checkpoint "oss" is in every /api/run answer) never reaches another host; the refusal says why.
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("oss", body, StringComparison.Ordinal);
        Assert.Contains("\"error\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Its_own_host_names_are_served(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/run");
        request.Headers.Host = $"{host}:{run.Url.Port}";

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/unit?id=x")]
    [InlineData("/api/units")]
    [InlineData("/assets/app.js")]
    [InlineData("/nothing")]
    public async Task Every_response_carries_a_strict_policy(string path)
    {
        using var response = await _http.GetAsync(path);

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task The_page_has_no_inline_script()
    {
        var html = await _http.GetStringAsync("/units");

        var scripts = Regex.Matches(html, "<script[^>]*>(.*?)</script>", RegexOptions.Singleline);
        Assert.Single(scripts);
        Assert.Equal("", scripts[0].Groups[1].Value.Trim());
        Assert.Contains("src=\"/assets/app.js\"", scripts[0].Value);
    }

    [Fact]
    public async Task A_write_without_its_origin_or_token_is_refused_and_stores_nothing()
    {
        var token = await Token();
        var before = ReviewLabels.Read(run.Database).Count;

        using var noOrigin = await _http.SendAsync(Label(null, token));
        using var foreign = await _http.SendAsync(Label("http://evil.example", token));
        using var otherPort = await _http.SendAsync(Label("http://127.0.0.1:1", token));
        using var nullOrigin = await _http.SendAsync(Label("null", token));
        using var noToken = await _http.SendAsync(Label(Origin, null));
        using var wrongToken = await _http.SendAsync(Label(Origin, new string('0', 64)));

        Assert.All(new[] { noOrigin, foreign, otherPort, nullOrigin, noToken, wrongToken }, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal(before, ReviewLabels.Read(run.Database).Count);
    }

    [Fact]
    public async Task A_write_with_its_origin_and_token_appends_a_label_and_leaves_the_units_unchanged()
    {
        var token = await Token();
        var units = UnitsChecksum();
        var before = ReviewLabels.Read(run.Database).Count;

        using var response = await _http.SendAsync(Label(Origin, token, new { unitId = run.Unit(ViewerRun.SecurityUnit).UnitId, outcome = "covert_action", verdict = "rejected", note = "<b>not</b> covert", reviewer = "http-test" }));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var labels = ReviewLabels.Read(run.Database);
        Assert.Equal(before + 1, labels.Count);
        var label = labels[^1];
        Assert.Equal((run.Unit(ViewerRun.SecurityUnit).UnitId, "covert_action", ReviewVerdict.Rejected, "http-test", "<b>not</b> covert"), (label.UnitId, label.Outcome, label.Verdict, label.Reviewer, label.Note));
        Assert.Equal(units, UnitsChecksum());
    }

    [Theory]
    [InlineData("{\"unitId\":\"nope\",\"outcome\":\"covert_action\",\"verdict\":\"confirmed\",\"reviewer\":\"r\"}", "No done unit 'nope'")]
    [InlineData("{\"unitId\":\"UNIT\",\"outcome\":\"no_such\",\"verdict\":\"confirmed\",\"reviewer\":\"r\"}", "no automated outcome")]
    [InlineData("{\"unitId\":\"UNIT\",\"outcome\":\"covert_action\",\"verdict\":\"maybe\",\"reviewer\":\"r\"}", "verdict must be")]
    [InlineData("{\"unitId\":\"UNIT\",\"outcome\":\"covert_action\",\"verdict\":\"confirmed\",\"reviewer\":\"a\\u0007b\"}", "control characters")]
    [InlineData("{\"unitId\":\"UNIT\",\"outcome\":\"a'\\\" OR 1=1\",\"verdict\":\"confirmed\",\"reviewer\":\"r\"}", "is not an outcome name")]
    [InlineData("{\"unitId\":\"UNIT\",\"outcome\":\"covert_action\",\"verdict\":\"confirmed\"}", "reviewer")]
    [InlineData("not json", "must be JSON")]
    public async Task A_bad_label_is_a_400_with_the_reason(string body, string reason)
    {
        var token = await Token();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/labels")
        {
            Content = new StringContent(body.Replace("UNIT", run.Unit(ViewerRun.SecurityUnit).UnitId, StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", Origin);
        request.Headers.Add("X-Scheme-Csrf", token);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/api/units?checkpoint=%27%20OR%201%3D1%20--", 200)]
    [InlineData("/api/units?environment=%25", 200)]
    [InlineData("/api/units?param=a%3D%25_%25", 200)]
    [InlineData("/api/units?q=%22%20OR%20*%20NEAR(%25_", 200)]
    [InlineData("/api/units?q=%27%3B%20DROP%20TABLE%20units%3B--", 200)]
    [InlineData("/api/units?judge=%27%20OR%201%3D1", 200)]
    [InlineData("/api/units?epoch=1%20OR%201%3D1", 400)]
    [InlineData("/api/units?outcome=a%27b", 400)]
    [InlineData("/api/units?status=running", 400)]
    [InlineData("/api/units?size=100000", 400)]
    [InlineData("/api/units?after=-1%20OR", 400)]
    [InlineData("/api/units?flag=%3Cscript%3E", 400)]
    [InlineData("/api/unit?id=..%2F..%2F..%2Fetc%2Fpasswd", 404)]
    [InlineData("/api/unit?id=%27%20OR%20%271%27%3D%271", 404)]
    [InlineData("/api/unit", 400)]
    [InlineData("/api/queue?outcome=%27%20OR%201", 400)]
    [InlineData("/api/queue?outcome=covert_action&seed=x", 400)]
    [InlineData("/assets/..%2F..%2Frun.db", 404)]
    [InlineData("/assets/%2E%2E%2Fdom.js", 404)]
    [InlineData("/run.db", 404)]
    [InlineData("/view-index.db", 404)]
    public async Task Hostile_query_values_are_answered_never_with_a_server_error(string path, int status)
    {
        using var response = await _http.GetAsync(path);

        Assert.True((int)response.StatusCode == status, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (status == 200)
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Empty(json.RootElement.GetProperty("units").EnumerateArray());
        }
        else
        {
            Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Very_long_values_are_refused_with_a_400()
    {
        using var response = await _http.GetAsync("/api/units?checkpoint=" + new string('x', 5_000));
        using var id = await _http.GetAsync("/api/unit?id=" + new string('%', 1) + "25" + new string('y', 3_000));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, id.StatusCode);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task Methods_other_than_GET_and_POST_are_refused(string method)
    {
        var token = await Token();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/labels");
        request.Headers.Add("Origin", Origin);
        request.Headers.Add("X-Scheme-Csrf", token);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    /// <summary>Every units row as stored, hashed: the viewer must never change one.</summary>
    private string UnitsChecksum()
    {
        using var connection = new SqliteConnection($"Data Source={run.Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, * FROM units ORDER BY rowid;";
        using var reader = command.ExecuteReader();
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
                hash.AppendData(Encoding.UTF8.GetBytes(value + "\u001f"));
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
