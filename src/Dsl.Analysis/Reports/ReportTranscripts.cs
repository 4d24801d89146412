using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Analysis.Reports;

/// <summary>
/// What report.html adds for the transcript viewer: links from its metric tables to the viewer's unit lists
/// (<see cref="ViewerLinks"/>, under <see cref="ViewerUrl"/>, or relative permalinks when it is not given), and, with
/// <c>report --transcripts N</c>, a sample of N transcripts per cell embedded (escaped, collapsed) for sharing without
/// a server.
/// </summary>
/// <param name="ViewerUrl">The viewer's base URL (http://127.0.0.1:PORT/); null: links are relative permalink paths.</param>
/// <param name="PlainOutcomes">Metric name -> the outcome of a metric that is exactly rate(outcome): its k links to the fired units.</param>
/// <param name="Transcripts">The embedded sample, by cell.</param>
public sealed record ReportLinks(string? ViewerUrl, IReadOnlyDictionary<string, string> PlainOutcomes, IReadOnlyList<EmbeddedTranscript> Transcripts);

/// <param name="Cell">"checkpoint · environment · condition".</param>
public sealed record EmbeddedTranscript(string Cell, string UnitId, string Variant, int Epoch, IReadOnlyList<string> Fired, string Text);

/// <summary>
/// The stable sample of transcripts a report embeds: per cell (checkpoint, environment, condition), the first N done units
/// in <see cref="ReviewQueue.Order"/> keyed by "report" and seed 1, so the same run always embeds the same units, and
/// which ones is not chosen by anyone. Each transcript is rendered as plain text (prompts, reasoning, answers, tool calls
/// and results, follow-ups, judges), cut at <see cref="MaxChars"/>.
/// </summary>
public static class ReportTranscripts
{
    public const int MaxChars = 100_000;

    public static IReadOnlyList<EmbeddedTranscript> Sample(string runDatabase, int perCell)
    {
        if (perCell <= 0)
        {
            return [];
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = runDatabase, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        using (connection)
        {
            connection.Open();
            var cells = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT unit_id, checkpoint, environment, condition FROM units WHERE status = 'done' ORDER BY checkpoint, environment, condition;";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var cell = $"{reader.GetString(1)} · {reader.GetString(2)} · {reader.GetString(3)}";
                    (cells.TryGetValue(cell, out var ids) ? ids : cells[cell] = []).Add(reader.GetString(0));
                }
            }
            var sample = new List<EmbeddedTranscript>();
            foreach (var (cell, ids) in cells.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                foreach (var id in ReviewQueue.Order(ids, "report", 1).Take(perCell))
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = "SELECT variant, epoch, outcomes, transcript_gz FROM units WHERE unit_id = $id;";
                    command.Parameters.AddWithValue("$id", id);
                    using var reader = command.ExecuteReader();
                    reader.Read();
                    var json = reader.IsDBNull(3) ? null : TranscriptCompression.Decompress((byte[])reader.GetValue(3));
                    sample.Add(new EmbeddedTranscript(cell, id, reader.GetString(0), reader.GetInt32(1), Fired(reader.GetString(2)), Render(json)));
                }
            }
            return sample;
        }
    }

    private static List<string> Fired(string outcomes)
    {
        using var json = JsonDocument.Parse(outcomes);
        return json.RootElement.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.True).Select(o => o.Name).ToList();
    }

    /// <summary>The transcript as plain text, one block per message; what the viewer shows, without its layout.</summary>
    public static string Render(string? json)
    {
        if (json is null)
        {
            return "(no transcript stored)";
        }
        var text = new StringBuilder();
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            foreach (var message in Items(root, "messages"))
            {
                var role = Text(message, "role");
                if (Text(message, "reasoning") is { Length: > 0 } reasoning)
                {
                    text.Append("[").Append(role).Append(" reasoning]\n").Append(reasoning).Append("\n\n");
                }
                if (Text(message, "content") is { Length: > 0 } content)
                {
                    text.Append("[").Append(role).Append("]\n").Append(content).Append("\n\n");
                }
                foreach (var call in Items(message, "toolCalls"))
                {
                    text.Append("[tool call ").Append(Text(call, "name")).Append("]\n").Append(Text(call, "argumentsJson")).Append("\n\n");
                }
            }
            foreach (var followup in Items(root, "followups"))
            {
                text.Append("[follow-up]\n").Append(Text(followup, "question")).Append("\n[answer]\n").Append(Text(followup, "answer")).Append("\n\n");
            }
            foreach (var verdict in Items(root, "verdicts"))
            {
                text.Append("[judge ").Append(Text(verdict, "id")).Append(": ")
                    .Append(verdict.TryGetProperty("verdict", out var v) && v.ValueKind == JsonValueKind.True ? "yes" : "no").Append("]\n")
                    .Append(Text(verdict, "answer")).Append("\n\n");
            }
        }
        catch (JsonException)
        {
            text.Clear().Append(json);
        }
        return text.Length <= MaxChars ? text.ToString()
            : text.ToString(0, MaxChars) + string.Create(CultureInfo.InvariantCulture, $"\n[cut: {text.Length:N0} characters, the first {MaxChars:N0} shown; the viewer shows more]");
    }

    private static IEnumerable<JsonElement> Items(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : [];

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The HTML section of the sample: a collapsed block per transcript, every character escaped.</summary>
    public static string Html(ReportLinks links)
    {
        if (links.Transcripts.Count == 0)
        {
            return "";
        }
        var html = new StringBuilder();
        html.AppendLine("<h2 id=\"transcripts\">Transcripts (a stable sample per cell)</h2>");
        html.AppendLine("<p class=\"notes\">Per cell, the first units of a seeded random order (ReviewQueue, key \"report\", seed 1): the same run embeds the same units. Model text is shown as text.</p>");
        foreach (var cell in links.Transcripts.GroupBy(t => t.Cell))
        {
            html.AppendLine($"<h3>{E(cell.Key)}</h3>");
            foreach (var t in cell)
            {
                var href = ViewerLinks.Join(links.ViewerUrl, ViewerLinks.Unit(t.UnitId));
                html.AppendLine($"<details class=\"transcript\" data-unit=\"{E(t.UnitId)}\"><summary>{E(t.UnitId)} ({E(t.Variant)}, epoch {t.Epoch}){(t.Fired.Count > 0 ? " — " + E(string.Join(", ", t.Fired)) : "")} " +
                    $"<a href=\"{E(href)}\">open in the viewer</a></summary><pre>{E(t.Text)}</pre></details>");
            }
        }
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
