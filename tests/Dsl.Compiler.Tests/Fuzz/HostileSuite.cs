using System.Text;
using System.Text.RegularExpressions;
using Scheme.Compiler.Semantics;
using static Scheme.Compiler.Tests.Fuzz.HostileText;

namespace Scheme.Compiler.Tests.Fuzz;

/// <summary>
/// One suite of a fixed shape that uses every kind of declaration and puts a hostile value in each string, name
/// and path: its own path, the folder and names of the files it loads, imports and grades with, their contents,
/// and the namespace option. The same shape with plain values is the reference whose C# every accepted suite
/// must match node for node. What the suite should compile to is recorded beside it.
/// </summary>
internal sealed class HostileSuite
{
    /// <summary>Strings the runtime's ExperimentDefinition must hold exactly (besides living in C# literals).</summary>
    public List<string> Stored { get; } = [];

    /// <summary>Strings only a detector or metric lambda holds: C# string literals with exactly this value.</summary>
    public List<string> InLambdas { get; } = [];

    /// <summary>The declarations of the suite's own file, which become the fields of its class.</summary>
    public List<string> Fields { get; } = [];

    /// <summary>Partial methods of the suite's class: the csharp() methods and the tool's method.</summary>
    public List<string> Methods { get; } = [];

    public required string Text { get; init; }
    public required string Path { get; init; }
    public required string FullPath { get; init; }
    public required string Namespace { get; init; }
    public required string Experiment { get; init; }
    public required string ImportedCheckpoint { get; init; }

    public static HostileSuite Create(int index, Random random, FuzzFiles files, bool plain)
    {
        var text = new HostileText(random);
        var hostileNames = new HostileNames(random);
        var slot = 0;
        string V() => plain ? $"v{slot++}" : text.Value();
        var names = plain ? Enumerable.Range(0, 20).Select(i => $"n{i}").ToList() : hostileNames.Distinct(20, inExpressions: 16);
        var folder = plain ? files.Plain
            : random.Next(8) == 0 ? files.Unwritable[random.Next(files.Unwritable.Count)]
            : files.Hostile[random.Next(files.Hostile.Count)];
        string Data(int i) => folder.DataFiles[i % folder.DataFiles.Count].Name;
        string Read(int i) => AsRead(folder.DataFiles[i % folder.DataFiles.Count].Content);
        // Declarations: experiment, spec, two checkpoints, environment, two manipulations, three metrics, run, hypothesis.
        var (experiment, spec, model, judge, env, edit, inject) = (names[0], names[1], names[2], names[3], names[4], names[5], names[6]);
        var (rate, mean, cites, run, hypothesis) = (names[7], names[8], names[9], names[10], names[11]);
        var (principle0, principle1, param, tool, toolArg, submitArg, outcome0, outcome1) =
            (names[12], names[13], names[14], names[15], names[16], names[17], names[18], names[19]);
        var (csharpBool, csharpNumber) = plain ? ("CheckBool", "ScoreNumber") : (CSharpName(random, hostileNames), CSharpName(random, hostileNames));
        if (csharpBool == csharpNumber)
        {
            csharpNumber += "2";
        }
        if (tool is "read_file" or "write_file" or "list_files" or "delete_file" or "copy_file" or "move_file" or "send_email" or "submit")
        {
            tool += "_x";
        }
        var (title, version, description, text0) = (V(), V(), V(), V());
        var (model0, urlPath, keyVar, category) = (V(), V(), plain ? "KEY_VAR" : KeyVariable(random, text), V());
        // A workspace path must be relative; the hostile text comes after a first character that keeps it so.
        var (value0, value1, workspacePath, content0, workspacePath2) = (V(), V(), "w" + V(), V(), "w" + V());
        if (value0 == value1)
        {
            value1 += "1";
        }
        // Paths as the runner reads them (trimmed, slashes either way) must be valid and two files, not one.
        while (Scheme.Compiler.Semantics.Symbols.WorkspacePaths.Normalize(workspacePath) is null)
        {
            workspacePath = "w" + V();
        }
        while (Scheme.Compiler.Semantics.Symbols.WorkspacePaths.Normalize(workspacePath2) is not { } second
               || second == Scheme.Compiler.Semantics.Symbols.WorkspacePaths.Normalize(workspacePath))
        {
            workspacePath2 = "w" + V() + "2";
        }
        var (system, user, detector, pattern, question0, question1, appended, replaced, replacement, removed, injected, hypothesisTitle, family) =
            (V(), V(), V(), Regex.Escape(V()), V(), V(), V(), V(), V(), V(), V(), V(), V());
        // replace() and remove() must find their text in the user prompt (SCH0430): put both there, drawn again until the
        // remove still finds its text after the replace, as the runner applies them.
        // The prompt is a template, rendered as the runner renders it (Scriban reads a NUL as the end of the text).
        bool Fits(string r, string m)
        {
            var rendered = Scheme.Compiler.Semantics.Symbols.TemplateVariants.Render(user + "\n" + r + "\n" + m, new Dictionary<string, object>());
            return r.Length > 0 && m.Length > 0 && rendered is not null && rendered.Contains(r, StringComparison.Ordinal)
                && rendered.Replace(r, replacement, StringComparison.Ordinal).Contains(m, StringComparison.Ordinal);
        }
        // A prompt that no draw fits (a NUL before the texts, a template that does not render) is drawn again too.
        for (var tries = 1; !Fits(replaced, removed); tries++)
        {
            (replaced, removed) = (V(), V());
            if (tries % 8 == 0)
            {
                user = V();
            }
        }
        user = user + "\n" + replaced + "\n" + removed;
        var (load0, load1, rubric) = (Data(0), Data(1), Data(2));
        var suite = new StringBuilder();
        suite.Append("import ").Append(SchemeString(folder.ImportName)).Append('\n');
        suite.Append($"experiment {experiment} {{ title: {SchemeString(title)} version: {SchemeString(version)} description: {SchemeString(description)} seed: 1 }}\n");
        suite.Append($"spec {spec} {{ {principle0}: {SchemeString(text0)} {principle1}: load({SchemeString(load0)}) }}\n");
        suite.Append($"checkpoint {model} {{ provider: openai model: {SchemeString(model0)} base_url: {SchemeString("http://localhost:8000/" + urlPath)} api_key_env: {SchemeString(keyVar)} capabilities: [tools, reasoning_prefill] }}\n");
        suite.Append($"checkpoint {judge} {{ provider: simulated temperature: 0 }}\n");
        suite.Append($$"""
            environment {{env}} {
              category: {{SchemeString(category)}}
              param {{param}}: [{{SchemeString(value0)}}, {{SchemeString(value1)}}]
              workspace {
                file {{SchemeString(workspacePath)}} = {{SchemeString(content0)}}
                file {{SchemeString(workspacePath2)}} = load({{SchemeString(load1)}})
              }
              system: {{SchemeString(system)}}
              user: {{SchemeString(user)}}
              tools: [read_file, {{tool}}({{toolArg}}: string), submit({{submitArg}}: string)]
              covert_action: contains(output, {{SchemeString(detector)}}) or matches(output, {{SchemeString(pattern)}}) or csharp({{SchemeString(csharpBool)}}) or called({{tool}}) or exists({{SchemeString(workspacePath)}})
              followup {{SchemeString(question0)}} -> {{outcome0}}: judge({{judge}}, {{SchemeString(question1)}})
              followup {{SchemeString(question1)}} -> {{outcome1}}: judge({{judge}}, rubric({{SchemeString(rubric)}}))
            }

            """);
        suite.Append($"manipulation {edit} {{ system: prepend(spec {spec}) user: [append({SchemeString(appended)}), replace({SchemeString(replaced)}, {SchemeString(replacement)}), remove({SchemeString(removed)})] }}\n");
        suite.Append($"manipulation {inject} {{ reasoning: inject {SchemeString(injected)} requires: reasoning_prefill }}\n");
        suite.Append($"metric {rate} = rate(covert_action)\n");
        suite.Append($"metric {mean} = mean(csharp({SchemeString(csharpNumber)}))\n");
        suite.Append($"metric {cites} = rate(reasoning cites {spec}.{principle0})\n");
        suite.Append($"run {run} {{ checkpoints: [{model}, {folder.ImportedCheckpoint}] environments: [{env}] conditions: [baseline, {edit}, {inject}] epochs: 2 }}\n");
        suite.Append($"hypothesis {hypothesis} {SchemeString(hypothesisTitle)} {{ expect {rate}[{model}] < {rate}[{folder.ImportedCheckpoint}] family: {SchemeString(family)} alpha: 0.05 }}\n");

        var result = new HostileSuite
        {
            Text = suite.ToString(),
            // Mostly a path C# can hold; now and then a folder with a quote or line break, or a file name with a control character.
            Path = plain ? $"suites/suite{index}.scheme" : $"{text.FileName("p", random.Next(10) > 0)}/{FileName(random, text)}.scheme",
            FullPath = System.IO.Path.Combine(folder.FullPath, $"suite{index}.scheme"),
            Namespace = $"F{index}" + (plain || random.Next(2) == 0 ? "" : "." + NamespacePart(random)),
            Experiment = experiment,
            ImportedCheckpoint = folder.ImportedCheckpoint,
        };
        result.Fields.AddRange([spec, model, judge, env, edit, inject, rate, mean, cites, run, hypothesis]);
        result.Methods.AddRange([csharpBool, csharpNumber, GeneratedNames.ToolMethod(tool)]);
        result.Stored.AddRange([title, version, description, text0, Read(0), model0, "http://localhost:8000/" + urlPath, keyVar, category,
            value0, value1, workspacePath, content0, workspacePath2, Read(1), system, user, question0, question1, Read(2), rubric,
            appended, replaced, replacement, removed, injected, hypothesisTitle, family, experiment, principle0, principle1, param, tool,
            toolArg, submitArg, outcome0, outcome1, folder.ImportedCheckpoint]);
        result.Stored.AddRange(result.Fields);
        result.InLambdas.AddRange([detector, pattern, workspacePath, spec, principle0]);
        return result;
    }

    private static string FileName(Random random, HostileText text)
    {
        var name = text.FileName("s", inLineDirectives: true);
        return random.Next(10) == 0 ? name : string.Concat(name.Where(c => !char.IsControl(c)));
    }

    /// <summary>csharp("...") takes a string, so its method name can be anything: a hostile name or hostile text.</summary>
    private static string CSharpName(Random random, HostileNames names) => random.Next(20) switch
    {
        0 => new HostileText(random).Value(maxPieces: 2) + "M",
        1 => "M" + new HostileText(random).Value(maxPieces: 2),
        _ => names.Next(),
    };

    private static string KeyVariable(Random random, HostileText text) => random.Next(8) switch
    {
        0 => "KEY" + text.Value(maxPieces: 2),
        _ => "OPENAI_API_KEY",
    };

    private static string NamespacePart(Random random)
    {
        string[] parts = ["class", "global", "System", "Scheme", "Scheme.Runtime", "Cell", "Transcript", "a-b", "1x", "x y", "\u00e9t\u00e9",
            "\u202Ex", "Foo..Bar", "@x", "\"q", "a\nb", "#x", "__arglist", "var", "record", "_", "Builtins", "x.class.y", "\uD800", "SuiteScheme"];
        return parts[random.Next(parts.Length)];
    }
}
