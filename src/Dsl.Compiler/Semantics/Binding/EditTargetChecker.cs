using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Checks every edit a condition makes against what it is paired with: the environments listed beside it in a run.
/// A prompt's <c>replace</c>/<c>remove</c> must find its text, and a workspace edit must fit the files (<c>add_file</c>
/// a new path, <c>replace_file</c>/<c>remove_file</c> a declared one), in every variant of every such environment, with
/// the edits before it applied as the runner applies them. Params are constants, so each variant's prompt and paths are
/// rendered here (<see cref="TemplateVariants"/>): the rule is "every unit the run makes can apply the edit", because the
/// runner fails each unit where it cannot. Without this a typo failed every unit of the condition in a paid run; before
/// the runner refused such edits, it made the condition silently equal to the baseline.
/// </summary>
/// <remarks>Each edit is reported once, for the first run, environment and variant it does not fit; an environment with
/// too many variants to render (<see cref="TemplateVariants.MaxVariants"/>) is left to the runner.</remarks>
public sealed class EditTargetChecker(SemanticModel model, Func<Symbol, BinderContext> contextOf)
{
    private readonly HashSet<BoundExpression> _reported = new(ReferenceEqualityComparer.Instance);

    public void Check()
    {
        var manipulations = model.Manipulations.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var environments = model.Environments.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var run in model.Runs)
        {
            foreach (var condition in run.Conditions)
            {
                if (!manipulations.TryGetValue(condition.Name, out var manipulation))
                {
                    continue;
                }
                foreach (var entry in run.Environments)
                {
                    if (environments.TryGetValue(entry.Name, out var environment) && environment.Variants is { } variants)
                    {
                        CheckPrompt(manipulation, manipulation.SystemEdits, environment, environment.System, variants, $"the system prompt of environment '{environment.Name}' (run {run.Name})");
                        CheckPrompt(manipulation, manipulation.UserEdits, environment, environment.User, variants, $"the user prompt of environment '{environment.Name}' (run {run.Name})");
                        CheckFiles(manipulation, environment, variants);
                    }
                }
            }
        }
    }

    private void CheckPrompt(ManipulationSymbol manipulation, List<BoundExpression> edits, EnvironmentSymbol environment, PromptSymbol? prompt,
        IReadOnlyList<EnvironmentVariant> variants, string where)
    {
        var targets = edits.OfType<BoundCall>().Where(e => e.Function.Edit is PromptEditKind.Replace or PromptEditKind.Remove).ToList();
        if (targets.Count == 0)
        {
            return;
        }
        var missing = new Dictionary<BoundCall, List<string>>(ReferenceEqualityComparer.Instance);
        var rendered = 0;
        foreach (var variant in variants)
        {
            string? text = null;
            if (prompt is not null && (text = TemplateVariants.Render(prompt.Template, variant.Params)) is null)
            {
                continue; // a template that cannot render is reported where it is written
            }
            rendered++;
            foreach (var edit in edits.OfType<BoundCall>())
            {
                var operand = Operand(edit.Arguments[0]);
                switch (edit.Function.Edit)
                {
                    case PromptEditKind.Prepend:
                        text = string.IsNullOrEmpty(text) ? operand : $"{operand}\n\n{text}";
                        break;
                    case PromptEditKind.Append:
                        text = string.IsNullOrEmpty(text) ? operand : $"{text}\n\n{operand}";
                        break;
                    case PromptEditKind.Replace or PromptEditKind.Remove:
                        if (text is null || operand.Length == 0 || !text.Contains(operand, StringComparison.Ordinal))
                        {
                            (missing.TryGetValue(edit, out var list) ? list : missing[edit] = []).Add(variant.Label);
                            break;
                        }
                        var replacement = edit.Function.Edit == PromptEditKind.Replace && edit.Arguments[1] is BoundLiteral { Value: string r } ? r : "";
                        text = text.Replace(operand, replacement, StringComparison.Ordinal);
                        break;
                }
            }
        }
        foreach (var (edit, without) in missing)
        {
            if (!_reported.Add(edit))
            {
                continue;
            }
            var described = $"{edit.Function.Name}({Quote(Operand(edit.Arguments[0]))}{(edit.Function.Edit == PromptEditKind.Replace ? ", ..." : "")})";
            contextOf(manipulation).Report(edit.Arguments[0].Syntax.Span,
                Diagnose.EditTargetAbsent(manipulation.Name, described, where, Variant(without, rendered)));
        }
    }

    private void CheckFiles(ManipulationSymbol manipulation, EnvironmentSymbol environment, IReadOnlyList<EnvironmentVariant> variants)
    {
        foreach (var variant in variants)
        {
            var paths = environment.Files.Select(f => f.PathIn(variant)).ToList();
            if (paths.Any(p => p is null))
            {
                continue; // reported where the path is written
            }
            var files = new HashSet<string>(paths!, StringComparer.Ordinal);
            foreach (var edit in manipulation.FileEdits)
            {
                var written = (string)((BoundLiteral)edit.Arguments[0]).Value;
                var path = WorkspacePaths.Normalize(written)!;
                var problem = (edit.Function.FileEdit, files.Contains(path)) switch
                {
                    (FileEditKind.Add, true) => $"adds \"{written}\", which is already a file in the workspace",
                    (FileEditKind.Replace, false) => $"replaces \"{written}\", which is not a file in the workspace",
                    (FileEditKind.Remove, false) => $"removes \"{written}\", which is not a file in the workspace",
                    _ => null,
                };
                if (problem is not null)
                {
                    if (_reported.Add(edit))
                    {
                        var label = variants.Count == 1 ? "" : $" (variant {variant.Label})";
                        contextOf(manipulation).Report(edit.Arguments[0].Syntax.Span, Diagnose.FileEditMismatch(manipulation.Name, problem, environment.Name, label));
                    }
                    continue;
                }
                if (edit.Function.FileEdit == FileEditKind.Remove)
                {
                    files.Remove(path);
                }
                else
                {
                    files.Add(path);
                }
            }
        }
    }

    /// <summary>The text an edit puts in or looks for: its literal, or the spec as the runner renders it ("AS1: ...").</summary>
    private string Operand(BoundExpression argument) => argument switch
    {
        BoundLiteral { Value: string text } => text,
        BoundSpecReference reference => string.Join("\n", model.Specs.FirstOrDefault(s => s.Name == reference.Spec)?.Principles.Select(p => $"{p.Id}: {p.Text}") ?? []),
        _ => "",
    };

    /// <summary>"" when the text is in no variant; else the first variant without it.</summary>
    private static string Variant(List<string> without, int rendered) =>
        without.Count >= rendered ? "" : $" in variant {without[0]}";

    private static string Quote(string text) => "\"" + (text.Length > 60 ? text[..57] + "..." : text).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
