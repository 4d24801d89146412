using System.Runtime.CompilerServices;
using Scheme.Compiler.Syntax;

namespace Scheme.LanguageServer.Workspace;

/// <summary>What a name written in a file is there.</summary>
public enum NameRole
{
    /// <summary>The name of a top-level declaration: <c>metric covert_rate</c>.</summary>
    Declaration,
    /// <summary>A name that may refer to a declaration or an outcome: <c>rate(covert_action)</c>, <c>[o3, o3_as]</c>, <c>extends o3</c>.</summary>
    Reference,
    /// <summary>A property of a declaration: <c>model:</c>, or a spec's principle <c>AS1:</c>.</summary>
    Property,
    /// <summary>A param of an environment: <c>param goal</c>.</summary>
    Param,
    /// <summary>An outcome an environment declares: <c>outcome touched_config</c>, a follow-up's <c>-> confessed</c>.</summary>
    Outcome,
    /// <summary>A function of the library: <c>rate</c>, <c>judge</c>.</summary>
    Function,
    /// <summary>A named argument: <c>on:</c> of a call, <c>goal:</c> of a cell.</summary>
    ArgumentName,
    /// <summary>What follows a dot: a tool's argument <c>submit.answers</c>, a spec's principle after <c>cites</c>.</summary>
    Member,
}

/// <param name="Owner">The declaration the name is written in.</param>
public sealed record NameOccurrence(IdentifierSyntax Name, NameRole Role, DeclarationSyntax? Owner);

/// <summary>
/// Every name written in one parsed file, with its role: the ground of go to definition, references, rename, semantic
/// tokens and document symbols. Built from the syntax tree alone, once per parse (a reused parse reuses its index).
/// </summary>
public sealed class SyntaxIndex
{
    private static readonly ConditionalWeakTable<CompilationUnitSyntax, SyntaxIndex> Cache = [];

    private SyntaxIndex(CompilationUnitSyntax unit)
    {
        Unit = unit;
        var names = new List<NameOccurrence>();
        foreach (var declaration in unit.Declarations)
        {
            new Collector(names, declaration).Declaration();
        }
        Names = names.Where(n => !n.Name.IsMissing).OrderBy(n => n.Name.Span.Start).ToList();
    }

    public static SyntaxIndex Of(CompilationUnitSyntax unit) => Cache.GetValue(unit, u => new SyntaxIndex(u));

    public CompilationUnitSyntax Unit { get; }

    public IReadOnlyList<NameOccurrence> Names { get; }

    /// <summary>The name at an offset, including the offset just past its end (where a cursor after a word stands).</summary>
    public NameOccurrence? At(int offset) =>
        Names.FirstOrDefault(n => n.Name.Span.Start <= offset && offset < n.Name.Span.End)
        ?? Names.FirstOrDefault(n => n.Name.Span.End == offset);

    /// <summary>The innermost declaration around an offset.</summary>
    public DeclarationSyntax? DeclarationAt(int offset) =>
        Unit.Declarations.FirstOrDefault(d => d.Span.Start <= offset && offset <= d.Span.End);

    private sealed class Collector(List<NameOccurrence> names, DeclarationSyntax owner)
    {
        private void Add(IdentifierSyntax? name, NameRole role)
        {
            if (name is not null)
            {
                names.Add(new NameOccurrence(name, role, owner));
            }
        }

        public void Declaration()
        {
            Add(owner.Name, NameRole.Declaration);
            Add(owner.BaseName, NameRole.Reference);
            foreach (var environment in owner.Environments)
            {
                Add(environment, NameRole.Reference);
            }
            Expression(owner.Value);
            Members(owner.Members);
        }

        private void Members(IEnumerable<MemberSyntax> members)
        {
            foreach (var member in members)
            {
                switch (member)
                {
                    case PropertySyntax p:
                        Add(p.Name, NameRole.Property);
                        Expression(p.Value);
                        break;
                    case ParamSyntax p:
                        Add(p.Name, NameRole.Param);
                        Expression(p.Values);
                        break;
                    case WorkspaceSyntax w:
                        foreach (var file in w.Files)
                        {
                            Expression(file.Content);
                        }
                        break;
                    case LimitsSyntax l:
                        Members(l.Members);
                        break;
                    case OutcomeSyntax o:
                        Add(o.Name, NameRole.Outcome);
                        Expression(o.Value);
                        break;
                    case FollowupSyntax f:
                        Expression(f.When);
                        Add(f.Outcome, NameRole.Outcome);
                        Expression(f.Grader);
                        break;
                    case ExpectSyntax e:
                        Expression(e.Condition);
                        break;
                    case AssignmentSyntax a:
                        Add(a.Target, NameRole.Reference);
                        Arguments(a.Indices);
                        Expression(a.Value);
                        break;
                }
            }
        }

        private void Arguments(IEnumerable<ArgumentSyntax> arguments)
        {
            foreach (var argument in arguments)
            {
                Add(argument.Name, NameRole.ArgumentName);
                Expression(argument.Value);
            }
        }

        private void Expression(ExpressionSyntax? expression)
        {
            switch (expression)
            {
                case NameExpressionSyntax n:
                    Add(n.Name, NameRole.Reference);
                    break;
                case MemberAccessExpressionSyntax m:
                    Expression(m.Target);
                    Add(m.Member, NameRole.Member);
                    break;
                case IndexExpressionSyntax i:
                    Expression(i.Target);
                    Arguments(i.Indices);
                    break;
                case ListExpressionSyntax l:
                    foreach (var item in l.Items)
                    {
                        Expression(item);
                    }
                    break;
                case UnaryExpressionSyntax u:
                    Expression(u.Operand);
                    break;
                case BinaryExpressionSyntax b:
                    Expression(b.Left);
                    Expression(b.Right);
                    break;
                case GivenExpressionSyntax g:
                    Expression(g.Value);
                    Expression(g.Condition);
                    break;
                case CitesExpressionSyntax c:
                    Expression(c.Subject);
                    Add(c.Spec, NameRole.Reference);
                    Add(c.Principle, NameRole.Member);
                    break;
                case CallExpressionSyntax c:
                    Add(c.Function, NameRole.Function);
                    Arguments(c.Arguments);
                    break;
                case SpecReferenceSyntax s:
                    Add(s.Spec, NameRole.Reference);
                    break;
                case RemoveSentencesExpressionSyntax r:
                    Expression(r.Predicate);
                    break;
                case InjectExpressionSyntax i:
                    Expression(i.Text);
                    break;
            }
        }
    }
}
