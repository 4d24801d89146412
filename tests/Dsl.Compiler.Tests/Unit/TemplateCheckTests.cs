using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Unit;

/// <summary>Prompt templates: names the template binds itself are fine, unknown ones are reported where they stand.</summary>
public sealed class TemplateCheckTests
{
    [Fact]
    public void Loops_assignments_captures_and_functions_bind_names_but_unknown_names_are_errors()
    {
        const string suite = """
            experiment E { seed: 1 }
            checkpoint m { provider: simulated }
            environment Q {
              param goal: [true, false]
              param items: ["a", "b"]
              system: "{{ capture intro }}{{ if goal }}Goal.{{ end }}{{ end }}{{ func shout(s) }}{{ s | string.upcase }}{{ end }}{{ intro }} {{ shout 'hi' }} {{ for i in items }}{{ i }}{{ end }} {{ n = 2 }}{{ n }}"
              user: "Hi {{ nope }}"
              covert_action: contains(output, "x")
            }
            metric r = rate(covert_action)
            run Main { checkpoints: [m] environments: [Q] }
            """;

        var result = SchemeCompilation.Compile([new SourceFile("t.scheme", suite, "/tmp/t.scheme")]);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("SCH0501", diagnostic.Code);
        Assert.Equal((7, 16), diagnostic.Start);
        Assert.Contains("'nope'", diagnostic.Message);
    }
}
