using Scheme.Contracts;

namespace Scheme.Engine.Episodes;

/// <summary>
/// The text side of a reasoning counterfactual: given one turn's reasoning, which prefix the model is made to
/// continue from. Pure and deterministic; <see cref="ReasoningManipulator"/> decides which sentences go and sends
/// the request. The exact rules are in the Episodes README ("Reasoning counterfactuals").
/// </summary>
public static class ReasoningEdits
{
    public const string Resample = ReasoningEditThen.Resample;
    public const string Continue = ReasoningEditThen.Continue;

    /// <summary>
    /// Removal. <paramref name="removed"/> holds, per sentence, whether the predicate removed it (null: not judged,
    /// which only happens after the first removed sentence under resample). With <c>resample</c> the prefix is the
    /// reasoning up to the start of the first removed sentence, whitespace at its end trimmed: every later
    /// sentence, removed or not, is sampled again. With <c>continue</c> the prefix is the whole reasoning without
    /// the removed sentences; where sentences are dropped, the widest separator among those around them is kept
    /// (a paragraph break survives the removal of the sentence before it). Null when nothing was removed.
    /// </summary>
    public static ReasoningEditPlan? Remove(string reasoning, IReadOnlyList<SentenceSpan> sentences, IReadOnlyList<bool?> removed, string then)
    {
        var first = Enumerable.Range(0, sentences.Count).FirstOrDefault(i => removed[i] == true, -1);
        if (first < 0)
        {
            return null;
        }
        var edited = sentences.Select(s => new EditedSentence(s.Index, s.Text, removed[s.Index])).ToList();
        if (then == Resample)
        {
            var cut = sentences[first].Start;
            return new ReasoningEditPlan("remove", then, edited, first, cut, null, null, reasoning[..cut].TrimEnd());
        }
        var text = new System.Text.StringBuilder();
        string? separator = null;
        for (var i = 0; i < sentences.Count; i++)
        {
            var before = i == 0 ? "" : reasoning[sentences[i - 1].End..sentences[i].Start];
            separator = separator is null || Newlines(before) > Newlines(separator) ? before : separator;
            if (removed[i] == true)
            {
                continue;
            }
            if (text.Length > 0)
            {
                text.Append(separator);
            }
            text.Append(sentences[i].Text);
            separator = null;
        }
        return new ReasoningEditPlan("remove", then, edited, first, sentences[first].Start, null, null, text.ToString());
    }

    /// <summary>
    /// Injection at the end of the reasoning's first paragraph (text before the first blank line); when it has no
    /// blank line, after its first sentence. The text joins the paragraph after a space when the paragraph ends a
    /// sentence (. ! ? :), else on a new line. With <c>resample</c> the prefix ends with the injected text and the
    /// rest of the reasoning is sampled again; with <c>continue</c> the rest is kept after it unchanged. The
    /// position depends on the reasoning only, never on the seed, so every epoch injects at the same structural
    /// place and reruns reproduce it.
    /// </summary>
    public static ReasoningEditPlan Inject(string reasoning, IReadOnlyList<SentenceSpan> sentences, string text, string then)
    {
        var body = reasoning.TrimEnd();
        var at = FirstParagraphEnd(body) ?? (sentences.Count > 0 ? sentences[0].End : body.Length);
        var after = sentences.Count(s => s.End <= at) - 1;
        var head = body[..at].TrimEnd();
        var join = head.Length == 0 ? "" : head[^1] is '.' or '!' or '?' or ':' or '"' or ')' ? " " : "\n";
        var prefix = head + join + text.Trim();
        if (then == Continue)
        {
            prefix += body[at..];
        }
        var edited = sentences.Select(s => new EditedSentence(s.Index, s.Text, null)).ToList();
        return new ReasoningEditPlan("inject", then, edited, after, at, text.Trim(), at, prefix);
    }

    /// <summary>The offset where the first paragraph's text ends, or null when the text has no blank line.</summary>
    private static int? FirstParagraphEnd(string text)
    {
        var start = 0;
        while (start < text.Length && char.IsWhiteSpace(text[start]))
        {
            start++;
        }
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] != '\n')
            {
                continue;
            }
            var j = i + 1;
            while (j < text.Length && text[j] is ' ' or '\t' or '\r')
            {
                j++;
            }
            if (j < text.Length && text[j] == '\n')
            {
                var end = i;
                while (end > start && char.IsWhiteSpace(text[end - 1]))
                {
                    end--;
                }
                return end;
            }
        }
        return null;
    }

    private static int Newlines(string separator) => separator.Count(c => c == '\n');
}

/// <summary>One sentence of the edited reasoning; <paramref name="Removed"/> is null when it was not judged.</summary>
/// <param name="Verdicts">The verdicts of the manipulation's judges on this sentence, by judge id.</param>
public sealed record EditedSentence(int Index, string Text, bool? Removed, IReadOnlyDictionary<string, bool>? Verdicts = null);

/// <summary>
/// How one turn's reasoning is edited: its sentences, where it is cut, and the prefix the model continues.
/// </summary>
/// <param name="Kind">remove or inject.</param>
/// <param name="CutSentence">remove: the first removed sentence; inject: the sentence the text follows (-1: none).</param>
/// <param name="CutOffset">Offset in the original reasoning where the kept prefix ends (remove: the first removed
/// sentence's start; inject: the end of the first paragraph or first sentence).</param>
/// <param name="Prefix">The edited reasoning sent as the start of the assistant message, without the think opener.</param>
public sealed record ReasoningEditPlan(
    string Kind,
    string Then,
    IReadOnlyList<EditedSentence> Sentences,
    int CutSentence,
    int CutOffset,
    string? Injected,
    int? InjectedAt,
    string Prefix);
