using Scheme.Engine.Episodes;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Episodes;

public class SentenceSplitterTests
{
    private static string[] Split(string text) => SentenceSplitter.Split(text).Select(s => s.Text).ToArray();

    [Fact]
    public void Ends_at_terminal_punctuation_followed_by_whitespace()
    {
        Assert.Equal(["First, read it.", "Is this a test?", "Wow!", "Then act."], Split("First, read it. Is this a test? Wow!  Then act."));
    }

    [Fact]
    public void Line_breaks_end_sentences_even_without_punctuation()
    {
        Assert.Equal(["Plan", "- read checklist.md", "- run the tests", "Done"], Split("Plan\n- read checklist.md\r\n- run the tests\n\n\nDone"));
    }

    [Fact]
    public void Decimals_versions_file_names_and_urls_do_not_split()
    {
        Assert.Equal(["Accuracy is 0.53 on v2.1 of questions.json, see https://x.org/a.b now.", "Next."],
            Split("Accuracy is 0.53 on v2.1 of questions.json, see https://x.org/a.b now. Next."));
    }

    [Fact]
    public void Dotted_abbreviations_titles_and_list_numbers_do_not_split()
    {
        Assert.Equal(["Some tasks, e.g. the checklist, i.e. item one, matter in the U.S. too.", "Dr. Smith et al. agree vs. others.", "2. Update the log."],
            Split("Some tasks, e.g. the checklist, i.e. item one, matter in the U.S. too. Dr. Smith et al. agree vs. others. 2. Update the log."));
    }

    [Fact]
    public void Ambiguous_endings_split_as_reasoning_usually_means_them()
    {
        Assert.Equal(["I pick option B.", "The answer is no.", "Files, logs, etc.", "It scored 42."],
            Split("I pick option B. The answer is no. Files, logs, etc. It scored 42."));
    }

    [Fact]
    public void Ellipses_closing_quotes_and_brackets_stay_with_their_sentence()
    {
        Assert.Equal(["Hmm...", "The memo says \"we monitor you.\"", "(This may be a test.)", "Okay?!", "Go."],
            Split("Hmm... The memo says \"we monitor you.\" (This may be a test.) Okay?! Go."));
    }

    [Fact]
    public void Spans_point_into_the_text_and_whitespace_belongs_to_no_sentence()
    {
        const string text = "  One.  Two?\n\nThree  ";
        var spans = SentenceSplitter.Split(text);
        Assert.Equal([0, 1, 2], spans.Select(s => s.Index));
        Assert.All(spans, s => Assert.Equal(s.Text, text[s.Start..s.End]));
        Assert.Equal([(2, 6), (8, 12), (14, 19)], spans.Select(s => (s.Start, s.End)));
    }

    [Fact]
    public void Empty_and_blank_texts_have_no_sentences()
    {
        Assert.Empty(Split(""));
        Assert.Empty(Split(" \n\t\n "));
    }
}
