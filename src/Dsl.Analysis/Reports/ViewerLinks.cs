namespace Scheme.Analysis.Reports;

/// <summary>
/// The transcript viewer's permalinks (the runner's <c>view</c> command), built in one place for the viewer's own pages
/// and the static report's links: relative paths with a query string, so they work under whatever base URL the viewer
/// has (<c>http://127.0.0.1:PORT/</c> + path).
/// </summary>
public static class ViewerLinks
{
    /// <summary>The transcript page of a unit: <c>unit?id=ID</c>.</summary>
    public static string Unit(string unitId) => "unit?id=" + Uri.EscapeDataString(unitId);

    /// <summary>
    /// The unit list of a metric table's cell: its checkpoint, environment, condition and param values ("all" adds no
    /// filter), and, for a rate metric that is exactly an outcome's rate, <paramref name="outcome"/> so the list shows
    /// the units counted in k.
    /// </summary>
    public static string Cell(MetricRow row, string? outcome = null)
    {
        var query = new List<string>();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                query.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("checkpoint", row.Checkpoint);
        Add("environment", row.Environment);
        Add("condition", row.Condition);
        foreach (var param in row.Params ?? [])
        {
            Add("param", $"{param.Name}={VariantValue(param.Value)}");
        }
        Add("outcome", outcome);
        return "units" + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }

    /// <summary>A param value as a unit's variant label writes it (DesignExpander: a=1,b=x), which the list's param filter matches.</summary>
    private static string VariantValue(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A base URL and a permalink joined ("http://127.0.0.1:8080" + "unit?id=x"); no base keeps the relative path.</summary>
    public static string Join(string? baseUrl, string path) =>
        string.IsNullOrEmpty(baseUrl) ? path : baseUrl.TrimEnd('/') + "/" + path;
}
