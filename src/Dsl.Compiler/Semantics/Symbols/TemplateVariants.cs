using System.Globalization;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>One variant of an environment: its param values, labelled as the runner labels it ("goal=true,lang=en").</summary>
public sealed record EnvironmentVariant(string Label, IReadOnlyDictionary<string, object> Params);

/// <summary>
/// The variants of an environment and its templates rendered for each, at compile time. Params are constant lists, so
/// every variant a run will expand is known now: rendered workspace paths, edit targets and grader-file reads are checked
/// per variant here rather than failing units in a paid run. Rendering uses the runner's settings (strict variables, no
/// output cap), so what is checked is what is sent.
/// </summary>
public static class TemplateVariants
{
    /// <summary>Past this many variants the per-variant checks are skipped (the runner still checks each unit).</summary>
    public const int MaxVariants = 4096;

    /// <summary>The cartesian product of the params' values in declaration order; null when too many, or a param is invalid.</summary>
    public static IReadOnlyList<EnvironmentVariant>? Of(IReadOnlyList<ParamSymbol> parameters)
    {
        if (parameters.Any(p => p.Type.IsError || p.Values.Length == 0)
            || parameters.Aggregate(1L, (n, p) => Math.Min(n * p.Values.Length, MaxVariants + 1L)) > MaxVariants)
        {
            return null;
        }
        IEnumerable<List<(string Name, object Value)>> combos = [[]];
        foreach (var param in parameters)
        {
            combos = combos.SelectMany(c => param.Values.Select(v => new List<(string, object)>(c) { (param.Name, v) }));
        }
        return combos.Select(c => new EnvironmentVariant(
                c.Count == 0 ? "default" : string.Join(",", c.Select(p => $"{p.Name}={Format(p.Value)}")),
                c.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal)))
            .ToList();
    }

    /// <summary>The template rendered for a variant; null when it cannot be (its errors are the template checker's to report).</summary>
    public static string? Render(string template, IReadOnlyDictionary<string, object> parameters) => TryRender(template, parameters, out _);

    /// <summary>As <see cref="Render"/>; <paramref name="error"/> says why rendering failed when the template parses
    /// (a runtime error such as a string too large), null otherwise.</summary>
    public static string? TryRender(string template, IReadOnlyDictionary<string, object> parameters, out string? error)
    {
        error = null;
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }
        try
        {
            var parsed = Parsed(template);
            if (parsed.HasErrors)
            {
                return null;
            }
            var globals = new ScriptObject();
            foreach (var (name, value) in parameters)
            {
                globals[name] = value;
            }
            var context = new TemplateContext { StrictVariables = true, MemberRenamer = member => member.Name, LimitToString = 0 };
            context.PushGlobal(globals);
            return parsed.Render(context);
        }
        catch (Exception e) when (e is ScriptRuntimeException or InvalidOperationException or ArgumentException or IndexOutOfRangeException
                                       or OverflowException or OutOfMemoryException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>Parsed templates of this thread, so a template rendered for each of thousands of variants is parsed once.
    /// Per thread because suites compile in parallel (tests, the build server); bounded because a process compiles many.</summary>
    [ThreadStatic]
    private static Dictionary<string, Template>? _parsed;

    private static Template Parsed(string template)
    {
        var cache = _parsed ??= new Dictionary<string, Template>(StringComparer.Ordinal);
        if (cache.TryGetValue(template, out var parsed))
        {
            return parsed;
        }
        if (cache.Count >= 256)
        {
            cache.Clear();
        }
        return cache[template] = Template.Parse(template);
    }

    private static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>
/// Workspace paths as the runner reads them (Workspace.TryNormalize): slashes either way, "." and empty segments dropped.
/// The compiler is stricter: ".." is refused anywhere, so a declared path never depends on how it is resolved.
/// </summary>
public static class WorkspacePaths
{
    /// <returns>The normalized path, or null when it is not a valid workspace path.</returns>
    public static string? Normalize(string path)
    {
        var text = path.Trim().Replace('\\', '/');
        if (text.Length == 0 || text.StartsWith('/') || text.StartsWith('~') || (text.Length >= 2 && text[1] == ':') || text.Contains('\0'))
        {
            return null;
        }
        var segments = text.Split('/').Where(s => s is not ("" or ".")).ToList();
        return segments.Count == 0 || segments.Contains("..") ? null : string.Join('/', segments);
    }
}
