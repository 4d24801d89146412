using System.Globalization;
using System.Text;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Emit;

/// <summary>
/// Renders a declaration in one canonical form: no comments, fixed spacing, properties sorted by name,
/// numbers by value (13% and 0.13 are the same), every binary operation parenthesized. Two declarations
/// that mean the same render the same, so a preregistration lock survives reformatting but not a change.
/// </summary>
public static class CanonicalPrinter
{
    public static string Print(DeclarationSyntax declaration)
    {
        var b = new StringBuilder();
        b.Append(declaration.Kind.ToString().ToLowerInvariant()).Append(' ').Append(declaration.Name.Text);
        if (declaration.BaseName is { } baseName)
        {
            b.Append(" extends ").Append(baseName.Text);
        }
        if (declaration.Title is { } title)
        {
            b.Append(' ').Append(Quote(title.Value));
        }
        if (declaration.Environments.Length > 0)
        {
            b.Append(" in [").Append(string.Join(", ", declaration.Environments.Select(e => e.Text))).Append(']');
        }
        if (declaration.Value is { } value)
        {
            return b.Append(" = ").Append(Expression(value)).ToString();
        }
        b.Append(" {");
        var properties = declaration.Members.OfType<PropertySyntax>().OrderBy(p => p.Name.Text, StringComparer.Ordinal);
        var others = declaration.Members.Where(m => m is not PropertySyntax);
        foreach (var member in properties.Cast<MemberSyntax>().Concat(others))
        {
            b.Append(' ').Append(Member(member)).Append(';');
        }
        return b.Append(" }").ToString();
    }

    private static string Member(MemberSyntax member) => member switch
    {
        PropertySyntax p => $"{p.Name.Text}: {Expression(p.Value)}",
        ParamSyntax p => $"param {p.Name.Text}: {Expression(p.Values)}",
        WorkspaceSyntax w => (w.GraderOnly ? "grader_files {" : "workspace {") + string.Concat(w.Files.Select(f => $" file {Quote(f.Path.Value)} = {Expression(f.Content)};")) + " }",
        FollowupSyntax f => $"followup {Quote(f.Question.Value)}{(f.When is null ? "" : " when " + Expression(f.When))} -> {f.Outcome.Text}: {Expression(f.Grader)}",
        OutcomeSyntax o => $"outcome {o.Name.Text}: {Expression(o.Value)}",
        ExpectSyntax e => $"expect {Expression(e.Condition)}",
        AssignmentSyntax a => $"{a.Target.Text}[{string.Join(", ", a.Indices.Select(Argument))}] = {Expression(a.Value)}",
        // Limits by name, so reordering them changes no fingerprint and changing one changes the environment's.
        LimitsSyntax l => "limits {" + string.Concat(l.Members.OfType<PropertySyntax>().OrderBy(p => p.Name.Text, StringComparer.Ordinal)
            .Select(p => $" {Member(p)};")) + " }",
        _ => "?",
    };

    private static string Argument(ArgumentSyntax argument) =>
        (argument.Name is null ? "" : argument.Name.Text + ": ") + Expression(argument.Value);

    public static string Expression(ExpressionSyntax expression) => expression switch
    {
        NumberLiteralSyntax n => n.Value.ToString("R", CultureInfo.InvariantCulture),
        StringLiteralSyntax s => Quote(s.Value),
        BooleanLiteralSyntax b => b.Value ? "true" : "false",
        ListExpressionSyntax l => "[" + string.Join(", ", l.Items.Select(Expression)) + "]",
        NameExpressionSyntax n => n.Name.Text,
        MemberAccessExpressionSyntax m => $"{Expression(m.Target)}.{m.Member.Text}",
        IndexExpressionSyntax i => $"{Expression(i.Target)}[{string.Join(", ", i.Indices.Select(Argument))}]",
        UnaryExpressionSyntax u => (u.Operator == UnaryOperator.Not ? "not " : "-") + Expression(u.Operand),
        BinaryExpressionSyntax b => $"({Expression(b.Left)} {SyntaxFacts.OperatorText(b.Operator)} {Expression(b.Right)})",
        CitesExpressionSyntax c => $"({Expression(c.Subject)} cites {c.Spec.Text}{(c.Principle is null ? "" : "." + c.Principle.Text)})",
        CallExpressionSyntax c => $"{c.Function.Text}({string.Join(", ", c.Arguments.Select(Argument))})",
        SpecReferenceSyntax s => $"spec {s.Spec.Text}",
        RemoveSentencesExpressionSyntax r => $"remove sentences where {Expression(r.Predicate)}",
        InjectExpressionSyntax i => $"inject {Expression(i.Text)}",
        GivenExpressionSyntax g => $"({Expression(g.Value)} given {Expression(g.Condition)})",
        _ => "?",
    };

    private static string Quote(string value) => CSharpLiterals.Quoted(value);
}
