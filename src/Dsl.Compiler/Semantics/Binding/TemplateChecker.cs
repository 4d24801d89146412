using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;
using Scriban;
using Scriban.Functions;
using Scriban.Parsing;
using Scriban.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Checks a prompt template (Scriban, e.g. <c>{{ if goal }}...{{ end }}</c>) against the environment's params
/// at compile time: a syntax error or an unknown variable is reported at its own line and column in the
/// .scheme file, instead of surfacing as an empty prompt in the middle of a paid run.
/// </summary>
public static class TemplateChecker
{
    private static readonly HashSet<string> Builtins = new BuiltinFunctions().Keys.ToHashSet(StringComparer.Ordinal);

    /// <returns>The names of params the template reads.</returns>
    public static IReadOnlySet<string> Check(StringLiteralSyntax literal, IReadOnlyCollection<string> parameters,
        string environment, BinderContext context) =>
        Check(new TemplateText(literal.Value, literal.MapSpan, literal.Span, null), parameters, environment, context);

    /// <summary>
    /// Checks the template text of any constant: a literal (positions map into it), or text read with load() or folded
    /// from parts, whose diagnostics point at the expression and name the line and column inside the loaded file.
    /// </summary>
    public static IReadOnlySet<string> Check(ExpressionSyntax expression, string text, IReadOnlyCollection<string> parameters,
        string environment, BinderContext context) =>
        Check(expression is StringLiteralSyntax literal && literal.Value == text
            ? new TemplateText(text, literal.MapSpan, literal.Span, null)
            : new TemplateText(text, (_, _) => expression.Span, expression.Span, LoadedPath(expression)), parameters, environment, context);

    /// <summary>The file a <c>load("...")</c> reads, to name it in messages; null for other expressions.</summary>
    private static string? LoadedPath(ExpressionSyntax expression) =>
        expression is CallExpressionSyntax { Function.Text: "load", Arguments: [{ Value: StringLiteralSyntax path }] } ? path.Value : null;

    /// <param name="Map">A span in the .scheme file for an offset and length in the text.</param>
    /// <param name="LoadedFrom">The loaded file the text comes from, named with a line and column in each message.</param>
    private sealed record TemplateText(string Value, Func<int, int, TextSpan> Map, TextSpan Span, string? LoadedFrom)
    {
        /// <summary>" (in prompts/a.md, line 3, column 7)" for loaded text; nothing for a literal, whose span says it.</summary>
        public string Where(int offset)
        {
            if (LoadedFrom is null)
            {
                return "";
            }
            var before = Value.AsSpan(0, Math.Clamp(offset, 0, Value.Length));
            var line = before.Count('\n') + 1;
            var column = before.Length - (before.LastIndexOf('\n') + 1) + 1;
            return $" (in {LoadedFrom}, line {line}, column {column})";
        }
    }

    private static IReadOnlySet<string> Check(TemplateText literal, IReadOnlyCollection<string> parameters, string environment, BinderContext context)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        Template template;
        try
        {
            template = Template.Parse(literal.Value);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // A third-party parser must not take the compiler down on odd input; report and move on.
            context.Report(literal.Span, Diagnose.TemplateSyntaxError(e.Message + literal.Where(0)));
            return used;
        }
        if (template.HasErrors || template.Page is null)
        {
            // Scriban's first error is the cause; the rest are its recovery. It points inside the tag, or past it
            // for a block left open, so report at the start of the tag it belongs to.
            var first = template.Messages.First(m => m.Type == ParserMessageType.Error);
            var offset = Math.Clamp(first.Span.Start.Offset, 0, literal.Value.Length);
            var tag = literal.Value.LastIndexOf("{{", Math.Max(0, Math.Min(offset + 1, literal.Value.Length - 1)), StringComparison.Ordinal);
            context.Report(literal.Map(tag >= 0 ? tag : offset, 2), Diagnose.TemplateSyntaxError(first.Message + literal.Where(tag >= 0 ? tag : offset)));
            // The template could not be read, so it may use any param: do not call them unused.
            used.UnionWith(parameters);
            return used;
        }
        var nodes = Walk(template.Page).ToList();
        var defined = DefinedNames(nodes);
        foreach (var variable in nodes.OfType<ScriptVariableGlobal>())
        {
            if (variable.Parent is ScriptMemberExpression member && ReferenceEquals(member.Member, variable))
            {
                continue;
            }
            var name = variable.Name;
            if (parameters.Contains(name))
            {
                used.Add(name);
            }
            else if (!defined.Contains(name) && !Builtins.Contains(name))
            {
                if (NameSuggester.Closest(name, parameters) is { } meant)
                {
                    used.Add(meant);
                }
                context.Report(literal.Map(variable.Span.Start.Offset, name.Length), Diagnose.UnknownTemplateVariable(
                    name, environment, literal.Where(variable.Span.Start.Offset) + NameSuggester.Suggest(name, parameters) + (parameters.Count == 0
                        ? " Declare it with param NAME: [values] in the environment."
                        : $" Its params are: {string.Join(", ", parameters)}.")));
            }
        }
        return used;
    }

    /// <summary>Names the template binds itself: loop variables, assignments, captures and functions.</summary>
    private static HashSet<string> DefinedNames(IEnumerable<ScriptNode> nodes)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            switch (node)
            {
                case ScriptForStatement { Variable: ScriptVariable loop }:
                    defined.Add(loop.Name);
                    break;
                case ScriptAssignExpression { Target: ScriptVariable target }:
                    defined.Add(target.Name);
                    break;
                // {{ capture x }}, {{ func f(a) }}: the captured name, the function and its parameters.
                case ScriptVariable { Parent: ScriptCaptureStatement or ScriptFunction or ScriptParameter } named:
                    defined.Add(named.Name);
                    break;
            }
        }
        return defined;
    }

    private static IEnumerable<ScriptNode> Walk(ScriptNode root)
    {
        var stack = new Stack<ScriptNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            for (var i = node.ChildrenCount - 1; i >= 0; i--)
            {
                if (node.GetChildren(i) is { } child)
                {
                    stack.Push(child);
                }
            }
        }
    }
}
