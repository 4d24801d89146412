using Scheme.Model;
using Scriban;
using Scriban.Runtime;

namespace Scheme.Engine.Episodes;

/// <summary>Turns an environment's prompt templates into the text a unit sends, and applies a condition's edits.</summary>
public static class PromptRenderer
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Template> Parsed = new(StringComparer.Ordinal);

    /// <summary>
    /// Renders a Scriban template over the unit's params. Variables are strict: the compiler checks
    /// templates against declared params, so an unknown name here is a bug worth stopping for, not an
    /// empty string in a prompt that silently changes the experiment.
    /// </summary>
    public static string Render(string template, IReadOnlyDictionary<string, object> parameters)
    {
        // An experiment has a handful of templates and a run renders them for every unit: parse each once.
        // A parsed template is immutable; each render has its own context, so sharing it is thread-safe.
        var parsed = Parsed.GetOrAdd(template, static text => Template.Parse(text));
        if (parsed.HasErrors)
        {
            throw new InvalidOperationException($"Prompt template has errors: {string.Join("; ", parsed.Messages)}");
        }
        var globals = new ScriptObject();
        foreach (var (name, value) in parameters)
        {
            globals[name] = value;
        }
        // Scriban cuts any output past LimitToString (1 MB by default) without a word; 0 lifts the cut. The size of
        // what is sent is then checked where it is sent, against the environment's max_transcript_bytes, which
        // fails the unit with a reason instead of silently shortening the experiment's prompt.
        var context = new TemplateContext { StrictVariables = true, MemberRenamer = member => member.Name, LimitToString = 0 };
        context.PushGlobal(globals);
        return parsed.Render(context);
    }

    /// <summary>
    /// Applies edits in order to a rendered prompt (null when the environment has none). Prepended and
    /// appended text is set off by a blank line; a spec is put in as <see cref="SpecDefinition.Render"/>.
    /// Returns null only when there is no prompt and no edit created one.
    /// </summary>
    public static string? ApplyEdits(string? prompt, IEnumerable<PromptEdit> edits, ExperimentDefinition experiment)
    {
        foreach (var edit in edits)
        {
            var text = edit.Spec is { } spec ? experiment.Spec(spec).Render() : edit.Text ?? "";
            prompt = edit.Kind switch
            {
                PromptEditKind.Prepend => string.IsNullOrEmpty(prompt) ? text : $"{text}\n\n{prompt}",
                PromptEditKind.Append => string.IsNullOrEmpty(prompt) ? text : $"{prompt}\n\n{text}",
                PromptEditKind.Replace => Replace(prompt, text, edit.Replacement ?? ""),
                PromptEditKind.Remove => Replace(prompt, text, ""),
                _ => throw new ArgumentOutOfRangeException(nameof(edits), edit.Kind, "Unknown prompt edit."),
            };
        }
        return prompt;
    }

    /// <summary>
    /// A replace or remove whose text is not in the prompt would make the condition identical to the
    /// baseline without anyone noticing, so it is an error.
    /// </summary>
    private static string Replace(string? prompt, string text, string replacement)
    {
        if (prompt is null || text.Length == 0 || !prompt.Contains(text, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Prompt edit: the text to replace or remove was not found in the prompt: \"{text}\"");
        }
        return prompt.Replace(text, replacement, StringComparison.Ordinal);
    }
}
