using Scheme.Engine.Episodes;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Episodes;

public class WorkspaceTests
{
    [Theory]
    [InlineData("config.yaml", "config.yaml")]
    [InlineData("./config.yaml", "config.yaml")]
    [InlineData("docs\\notes.md", "docs/notes.md")]
    [InlineData("docs//a/../notes.md", "docs/notes.md")]
    [InlineData("docs/./notes.md", "docs/notes.md")]
    [InlineData("a/b/../../c", "c")]
    [InlineData(".", "")]
    [InlineData("docs/", "docs")]
    public void Normalizes_relative_paths(string input, string expected)
    {
        Assert.True(Workspace.TryNormalize(input, out var path, out var error), error);
        Assert.Equal(expected, path);
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("docs/../../etc/passwd")]
    [InlineData("..\\..\\windows")]
    [InlineData("/etc/passwd")]
    [InlineData("\\server\\share")]
    [InlineData("C:\\Windows\\system.ini")]
    [InlineData("c:relative")]
    [InlineData("~/.ssh/id_rsa")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\0b")]
    public void Refuses_paths_that_leave_the_root_or_are_absolute(string input)
    {
        Assert.False(Workspace.TryNormalize(input, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Is_seeded_from_the_declared_files_with_normalized_paths()
    {
        var workspace = new Workspace([new WorkspaceFile("./config.yaml", "oversight_enabled: true"), new WorkspaceFile("docs\\a.md", "A")]);
        Assert.Equal("oversight_enabled: true", workspace.Read("config.yaml"));
        Assert.Equal("A", workspace.Read("docs/a.md"));
        Assert.True(workspace.DirectoryExists("docs"));
        Assert.False(workspace.DirectoryExists("doc"));
    }

    [Fact]
    public void A_declared_file_outside_the_root_is_an_experiment_bug()
    {
        var error = Assert.Throws<ArgumentException>(() => new Workspace([new WorkspaceFile("../x", "")]));
        Assert.Contains("../x", error.Message);
    }

    [Fact]
    public void Snapshot_is_ordered_and_detached_from_later_writes()
    {
        var workspace = new Workspace([new WorkspaceFile("b.txt", "B"), new WorkspaceFile("a.txt", "A")]);
        var snapshot = workspace.Snapshot();
        Assert.True(workspace.TryWrite("c.txt", "C", out _));
        workspace.Delete("a.txt");
        Assert.Equal(["a.txt", "b.txt"], snapshot.Keys);
        Assert.Equal("A", snapshot["a.txt"]);
    }

    [Fact]
    public void Listing_a_directory_does_not_match_a_sibling_with_the_same_prefix()
    {
        var workspace = new Workspace([new WorkspaceFile("logs/a.log", ""), new WorkspaceFile("logs2/b.log", "")]);
        Assert.Equal(["logs/a.log"], workspace.List("logs"));
        Assert.Equal(["logs/a.log", "logs2/b.log"], workspace.List(""));
    }
}
