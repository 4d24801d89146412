using Scheme.Compiler.Formatting;

namespace Scheme.Compiler.Tests.Formatting;

/// <summary>The canonical layout, rule by rule, on small inputs whose formatted text is written out in full.</summary>
public sealed class FormatterLayoutTests
{
    private static string Format(string text)
    {
        var formatted = FormatterInvariants.AssertFormatsSafely(text, "test input");
        return formatted;
    }

    [Fact]
    public void Members_go_one_per_line_with_canonical_spacing_and_declarations_are_separated_by_one_blank_line()
    {
        var input = "experiment  E{seed:1 title :\"t\"}\ncheckpoint m{provider:simulated}\n\n\n\nrun Main{checkpoints:[ m ]environments:[Q]}\n";
        Assert.Equal("""
            experiment E {
              seed: 1
              title: "t"
            }

            checkpoint m {
              provider: simulated
            }

            run Main {
              checkpoints: [m]
              environments: [Q]
            }

            """.ReplaceLineEndings("\n"), Format(input));
    }

    [Fact]
    public void Operators_calls_indexing_and_negation_are_spaced_canonically_and_literals_keep_their_form()
    {
        var input = "metric  r=rate( a  and not(b)or c.d )\nsimulate{r[o3,Q]=13%\nr[ o3_as ]= 0.5e-1}\nenvironment Q{x:- 1 y:\"\"\"raw \"quoted\" text\"\"\" z:f(a:1,b:2,)}\n";
        Assert.Equal("""
            metric r = rate(a and not (b) or c.d)

            simulate {
              r[o3, Q] = 13%
              r[o3_as] = 0.5e-1
            }

            environment Q {
              x: -1
              y: ""\"raw "quoted" text""\"
              z: f(a: 1, b: 2)
            }

            """.Replace("\\\"", "\"").ReplaceLineEndings("\n"), Format(input));
    }

    [Fact]
    public void Consecutive_metrics_stay_grouped_as_written_and_blank_lines_inside_blocks_collapse_to_one()
    {
        var input = "metric a = rate(x)\nmetric b = rate(y)\n\n\nmetric c = rate(z)\nenvironment Q {\n  x: 1\n\n\n\n  y: 2\n}\n";
        Assert.Equal("metric a = rate(x)\nmetric b = rate(y)\n\nmetric c = rate(z)\n\nenvironment Q {\n  x: 1\n\n  y: 2\n}\n", Format(input));
    }

    [Fact]
    public void A_long_list_wraps_one_item_per_line_with_a_trailing_comma_and_a_short_one_joins()
    {
        var items = string.Join(", ", Enumerable.Range(1, 12).Select(i => $"environment_number_{i}"));
        var formatted = Format($"run Main {{\n  environments: [{items}]\n  checkpoints: [\n    a,\n    b,\n  ]\n}}\n");
        var expected = "run Main {\n  environments: [\n" + string.Concat(Enumerable.Range(1, 12).Select(i => $"    environment_number_{i},\n"))
            + "  ]\n  checkpoints: [a, b]\n}\n";
        Assert.Equal(expected, formatted);
        Assert.All(formatted.Split('\n'), line => Assert.True(line.Length <= 100, line));
    }

    [Fact]
    public void Comments_stay_where_the_author_put_them()
    {
        var input = """
            // header

            /* block
               header */
            experiment E { // after the brace
              // before seed
              seed: 1 // after seed
              title: /* inline */ "t"

              // before the closing brace
            }
            // before the metric
            metric r = rate(a // after a
              and b)
            metric s in [A, /* between */ B] = rate(c)
            // at the end
            """;
        Assert.Equal("""
            // header

            /* block
               header */
            experiment E { // after the brace
              // before seed
              seed: 1 // after seed
              title: /* inline */ "t"

              // before the closing brace
            }

            // before the metric
            metric r = rate(a // after a
              and b)
            metric s in [
              A, /* between */
              B,
            ] = rate(c)
            // at the end

            """.ReplaceLineEndings("\n"), Format(input));
    }

    [Fact]
    public void Trailing_comments_on_consecutive_lines_of_one_indentation_line_up_and_a_lone_one_follows_its_code()
    {
        var input = "metric a = rate(x) // one\nmetric long_name = rate(y)    // two\nmetric c = rate(z)\nmetric d = rate(w)      // alone\n"
            + "environment Q { // brace\n  x: 1 // deeper\n}\n";
        Assert.Equal("metric a = rate(x)         // one\nmetric long_name = rate(y) // two\nmetric c = rate(z)\nmetric d = rate(w) // alone\n\n"
            + "environment Q { // brace\n  x: 1 // deeper\n}\n", Format(input));
    }

    [Fact]
    public void A_line_break_before_an_operator_or_a_followup_arrow_is_kept_as_a_continuation()
    {
        var input = "environment Q {\n  covert_action: contains(output, \"a\")\n        and not contains(output, \"b\")\n  followup \"Why?\" when covert_action\n  -> confessed: contains(answer, \"yes\")\n  other: x and y\n}\n";
        Assert.Equal("environment Q {\n  covert_action: contains(output, \"a\")\n    and not contains(output, \"b\")\n  followup \"Why?\" when covert_action\n    -> confessed: contains(answer, \"yes\")\n  other: x and y\n}\n",
            Format(input));
    }

    [Fact]
    public void Line_endings_and_a_byte_order_mark_are_kept()
    {
        var crlf = SchemeFormatter.Format("\uFEFFexperiment E { seed: 1 }\r\n// c\r\nmetric r = rate(\"\"\"a\r\nb\"\"\")\r\n", "x.scheme");
        Assert.Equal("\uFEFFexperiment E {\r\n  seed: 1\r\n}\r\n\r\n// c\r\nmetric r = rate(\"\"\"a\r\nb\"\"\")\r\n", crlf.Formatted);
        Assert.True(crlf.Changed);

        var lf = SchemeFormatter.Format("metric r = rate(a)\n", "x.scheme");
        Assert.Equal("metric r = rate(a)\n", lf.Formatted);
        Assert.False(lf.Changed);
    }

    [Theory]
    [InlineData("experiment E { seed: }", "SCH0001")]
    [InlineData("experiment E { title: \"open }", "SCH0002")]
    [InlineData("experiment E { seed: 1 } §", "SCH0003")]
    [InlineData("metric r = rate(\"\\q\")", "SCH0004")]
    public void A_file_that_does_not_parse_is_not_formatted_and_its_errors_have_the_builds_codes_and_positions(string text, string code)
    {
        var result = SchemeFormatter.Format(text, "bad.scheme");

        Assert.Null(result.Formatted);
        Assert.False(result.Changed);
        Assert.Null(result.InternalError);
        var error = Assert.Single(result.Errors, e => e.Code == code);
        Assert.Equal(1, error.Start.Line);
        Assert.StartsWith("bad.scheme(1,", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_and_comment_only_files_format_without_crashing()
    {
        Assert.Equal("", SchemeFormatter.Format("", "e.scheme").Formatted);
        Assert.Equal("", SchemeFormatter.Format("\n\n  \n", "e.scheme").Formatted);
        Assert.Equal("// only\n", SchemeFormatter.Format("  // only   \n\n", "e.scheme").Formatted);
    }
}
