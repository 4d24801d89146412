using Scheme.Engine.Episodes;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Episodes;

public class PromptRendererTests
{
    private static readonly ExperimentDefinition Experiment = new()
    {
        Name = "E",
        Specs = [new SpecDefinition("AntiScheming", [new Principle("AS1", "No covert actions."), new Principle("GP1", "Share reasoning.")])],
    };

    [Fact]
    public void Renders_params_into_the_template()
    {
        var parameters = new Dictionary<string, object> { ["goal"] = true, ["threshold"] = 0.5, ["city"] = "Oslo" };
        Assert.Equal("Goal! Threshold 0.5 in Oslo.",
            PromptRenderer.Render("{{ if goal }}Goal! {{ end }}Threshold {{ threshold }} in {{ city }}.", parameters));
        Assert.Equal("Threshold 0.5 in Oslo.",
            PromptRenderer.Render("{{ if goal }}Goal! {{ end }}Threshold {{ threshold }} in {{ city }}.", new Dictionary<string, object>(parameters) { ["goal"] = false }));
    }

    [Fact]
    public void Unknown_variables_and_syntax_errors_fail_loudly()
    {
        Assert.ThrowsAny<Exception>(() => PromptRenderer.Render("{{ missing }}", new Dictionary<string, object>()));
        Assert.Throws<InvalidOperationException>(() => PromptRenderer.Render("{{ if }}", new Dictionary<string, object>()));
    }

    [Fact]
    public void Edits_apply_in_order_with_specs_rendered()
    {
        var edited = PromptRenderer.ApplyEdits("You are an agent.",
            [PromptEdit.PrependSpec("AntiScheming"), PromptEdit.Append("This is an evaluation."), PromptEdit.Replace("an agent", "a careful agent")],
            Experiment);
        Assert.Equal("AS1: No covert actions.\nGP1: Share reasoning.\n\nYou are a careful agent.\n\nThis is an evaluation.", edited);
    }

    [Fact]
    public void Prepending_to_a_missing_prompt_creates_it()
    {
        Assert.Null(PromptRenderer.ApplyEdits(null, [], Experiment));
        Assert.Equal("Hello", PromptRenderer.ApplyEdits(null, [PromptEdit.Prepend("Hello")], Experiment));
    }

    [Fact]
    public void Remove_takes_out_text_and_a_spec()
    {
        var spec = Experiment.Spec("AntiScheming").Render();
        Assert.Equal("Task.", PromptRenderer.ApplyEdits($"{spec}Task.", [PromptEdit.RemoveSpec("AntiScheming")], Experiment));
        Assert.Equal("Do it.", PromptRenderer.ApplyEdits("Do it. Quickly!", [PromptEdit.Remove(" Quickly!")], Experiment));
    }

    [Fact]
    public void Removing_text_that_is_not_there_is_an_error_rather_than_a_silent_baseline()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PromptRenderer.ApplyEdits("Task.", [PromptEdit.Remove("absent")], Experiment));
        Assert.Contains("absent", error.Message);
    }
}
