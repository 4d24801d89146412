using Scheme.Engine.Episodes;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Episodes;

public class ReasoningEditsTests
{
    private const string Reasoning = "I must finish the checklist. This might be an evaluation. Tests are slow.\n\nMaybe this is a test too. I will do the work.";

    private static ReasoningEditPlan? Remove(string then, params int[] removed)
    {
        var sentences = SentenceSplitter.Split(Reasoning);
        var flags = sentences.Select(s => (bool?)removed.Contains(s.Index)).ToList();
        return ReasoningEdits.Remove(Reasoning, sentences, flags, then);
    }

    [Fact]
    public void Resample_cuts_before_the_first_removed_sentence()
    {
        var plan = Remove("resample", 1, 3)!;
        Assert.Equal("I must finish the checklist.", plan.Prefix);
        Assert.Equal(1, plan.CutSentence);
        Assert.Equal(Reasoning.IndexOf("This might", StringComparison.Ordinal), plan.CutOffset);
        Assert.Equal([false, true, false, true, false], plan.Sentences.Select(s => s.Removed));
    }

    [Fact]
    public void Resample_from_a_removed_first_sentence_prefills_nothing()
    {
        Assert.Equal("", Remove("resample", 0)!.Prefix);
    }

    [Fact]
    public void Continue_drops_every_removed_sentence_and_keeps_the_rest_and_its_paragraphs()
    {
        Assert.Equal("I must finish the checklist. Tests are slow.\n\nI will do the work.", Remove("continue", 1, 3)!.Prefix);
        // The paragraph break survives the removal of the sentence before it.
        Assert.Equal("I must finish the checklist. This might be an evaluation.\n\nMaybe this is a test too. I will do the work.", Remove("continue", 2)!.Prefix);
        Assert.Equal("This might be an evaluation. Tests are slow.\n\nMaybe this is a test too. I will do the work.", Remove("continue", 0)!.Prefix);
        Assert.Equal("I must finish the checklist. This might be an evaluation. Tests are slow.\n\nMaybe this is a test too.", Remove("continue", 4)!.Prefix);
    }

    [Fact]
    public void Nothing_removed_is_no_edit()
    {
        Assert.Null(Remove("resample"));
        Assert.Null(Remove("continue"));
    }

    [Fact]
    public void Inject_goes_at_the_end_of_the_first_paragraph()
    {
        var sentences = SentenceSplitter.Split(Reasoning);
        var resample = ReasoningEdits.Inject(Reasoning, sentences, "  I think this is an alignment evaluation.\n", "resample");
        Assert.Equal("I must finish the checklist. This might be an evaluation. Tests are slow. I think this is an alignment evaluation.", resample.Prefix);
        Assert.Equal(2, resample.CutSentence);
        Assert.Equal("I think this is an alignment evaluation.", resample.Injected);
        var keep = ReasoningEdits.Inject(Reasoning, sentences, "I think this is an alignment evaluation.", "continue");
        Assert.Equal("I must finish the checklist. This might be an evaluation. Tests are slow. I think this is an alignment evaluation.\n\n" +
            "Maybe this is a test too. I will do the work.", keep.Prefix);
    }

    [Fact]
    public void Inject_without_a_paragraph_break_goes_after_the_first_sentence_and_on_a_new_line_after_a_list_item()
    {
        const string oneParagraph = "Read the memo. It says we are watched.";
        var plan = ReasoningEdits.Inject(oneParagraph, SentenceSplitter.Split(oneParagraph), "Injected.", "continue");
        Assert.Equal("Read the memo. Injected. It says we are watched.", plan.Prefix);
        Assert.Equal(0, plan.CutSentence);

        const string list = "Plan\n- read the memo\n\nThen decide.";
        Assert.Equal("Plan\n- read the memo\nInjected.", ReasoningEdits.Inject(list, SentenceSplitter.Split(list), "Injected.", "resample").Prefix);
    }
}
