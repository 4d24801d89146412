using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Contracts;

namespace Scheme.Compiler.Semantics.Binding;

public sealed class ManipulationBinder(ManipulationSymbol symbol, BinderContext context) : DeclarationBinder<ManipulationSymbol>(symbol, context)
{
    /// <summary>Binds each declaration on its own.</summary>
    public static void BindAll(IReadOnlyList<ManipulationSymbol> symbols, BindingScope scope)
    {
        foreach (var symbol in symbols)
        {
            new ManipulationBinder(symbol, scope.ContextOf(symbol)).Bind();
        }
    }


    public void Bind()
    {
        var set = Members(Described)
            .Property("system", p => ReadPromptEdits(p, Symbol.SystemEdits))
            .Property("user", p => ReadPromptEdits(p, Symbol.UserEdits))
            .Property("reasoning", ReadReasoningEdit)
            .Property("workspace", ReadFileEdits)
            .Property("then", ReadThen)
            .Property("requires", ReadRequires)
            .Property("description", p => Constants.String(p))
            .Read();
        var editsSomething = set.Contains("system") || set.Contains("user") || set.Contains("reasoning") || set.Contains("workspace");
        if (!editsSomething)
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.EmptyManipulation(Symbol.Name));
        }
        if (set.Contains("reasoning") && !Symbol.Requires.Contains(Contracts.Capabilities.ReasoningPrefill) && !set.Contains("requires"))
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.ReasoningEditWithoutRequirement(Symbol.Name));
        }
        if (set.Contains("reasoning") && Symbol.Then is null)
        {
            Symbol.Then = ReasoningEditThen.Default;
        }
    }

    private void ReadPromptEdits(PropertySyntax property, List<BoundExpression> edits)
    {
        var scope = new ExpressionContext(ExpressionContextKind.PromptEdit, $"{Symbol.Name}.{property.Name.Text}",
            $"the {property.Name.Text} edits of {Symbol.Name}");
        var binder = new ExpressionBinder(Context, scope);
        var items = property.Value is ListExpressionSyntax list ? list.Items : [property.Value];
        foreach (var item in items)
        {
            var edit = binder.Bind(item, SchemeType.PromptEdit);
            if (edit is BoundCall call && call.Arguments.FirstOrDefault(a => a is not (BoundLiteral or BoundSpecReference or BoundError)) is { } dynamic)
            {
                // An edit whose text is not known now would silently turn the condition into the baseline.
                Context.Report(dynamic.Syntax.Span, Diagnose.ConstantExpected($"The text of {call.Function.Name}()"));
                continue;
            }
            if (!edit.Type.IsError)
            {
                edits.Add(edit);
            }
        }
    }

    /// <summary>
    /// <c>workspace: [add_file("notice.md", "..."), replace_file("config.yaml", load("deploy.yaml")), remove_file("notes.md")]</c>:
    /// constant paths and texts (not templates, like a prompt edit's text), each path a valid workspace path. Whether each
    /// fits the workspaces it is run with is checked with the runs (<see cref="EditTargetChecker"/>).
    /// </summary>
    private void ReadFileEdits(PropertySyntax property)
    {
        var scope = new ExpressionContext(ExpressionContextKind.WorkspaceEdit, $"{Symbol.Name}.workspace", $"the workspace edits of {Symbol.Name}");
        var binder = new ExpressionBinder(Context, scope);
        var items = property.Value is ListExpressionSyntax list ? list.Items : [property.Value];
        foreach (var item in items)
        {
            if (binder.Bind(item, SchemeType.FileEdit) is not BoundCall { Function.FileEdit: not null } edit)
            {
                continue;
            }
            if (edit.Arguments.FirstOrDefault(a => a is not (BoundLiteral or BoundError)) is { } dynamic)
            {
                Context.Report(dynamic.Syntax.Span, Diagnose.ConstantExpected($"The {(ReferenceEquals(dynamic, edit.Arguments[0]) ? "path" : "content")} of {edit.Function.Name}()"));
                continue;
            }
            if (edit.Arguments.Any(a => a is BoundError))
            {
                continue;
            }
            var path = (string)((BoundLiteral)edit.Arguments[0]).Value;
            if (WorkspacePaths.Normalize(path) is null)
            {
                Context.Report(edit.Arguments[0].Syntax.Span, Diagnose.InvalidWorkspacePath(path));
                continue;
            }
            Symbol.FileEdits.Add(edit);
        }
    }

    private void ReadReasoningEdit(PropertySyntax property)
    {
        var scope = new ExpressionContext(ExpressionContextKind.ReasoningEdit, $"{Symbol.Name}.reasoning", $"the reasoning edit of {Symbol.Name}",
            JudgeOwner: new(JudgeOwnerKind.ReasoningEdit, Symbol.Name));
        var edit = new ExpressionBinder(Context, scope).Bind(property.Value, SchemeType.ReasoningEdit);
        if (!edit.Type.IsError)
        {
            Symbol.ReasoningEdit = edit;
        }
    }

    private void ReadThen(PropertySyntax property)
    {
        if (Constants.Word(property) is not { } word)
        {
            return;
        }
        if (!ReasoningEditThen.All.Contains(word))
        {
            Context.Report(property.Value.Span, Diagnose.InvalidChoice(word, "then", ReasoningEditThen.All, NameSuggester.Suggest(word, ReasoningEditThen.All)));
            return;
        }
        Symbol.Then = word;
    }

    private void ReadRequires(PropertySyntax property)
    {
        foreach (var (word, syntax) in Constants.WordList(property))
        {
            if (!Contracts.Capabilities.All.Contains(word))
            {
                Symbol.RequiresIncomplete = true;
                Context.Report(syntax.Span, Diagnose.UnknownCapability(word, Contracts.Capabilities.All,
                    NameSuggester.Suggest(word, Contracts.Capabilities.All)));
                continue;
            }
            Symbol.Requires.Add(word);
        }
    }
}
