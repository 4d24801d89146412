using System.Text;
using Scheme.Cli;

namespace Scheme.Compiler.Tests.Formatting;

/// <summary>`scheme fmt` on real files in a temporary folder: exit codes, what is written and what is never touched.</summary>
public sealed class FmtCommandTests : IDisposable
{
    private const string Unformatted = "experiment E { seed: 1 }  // the seed\nmetric r=rate(a)\n";
    private const string Formatted = "experiment E {\n  seed: 1\n} // the seed\n\nmetric r = rate(a)\n";

    // A folder and file names a shell script would get wrong: spaces, quotes, non-Latin letters, a leading dash.
    private readonly string _folder = Directory.CreateTempSubdirectory("scheme-fmt- dir ").FullName;

    [Fact]
    public void Fmt_rewrites_unformatted_files_and_leaves_formatted_ones_untouched()
    {
        var messy = Write("-messy 'études' 实验.scheme", Unformatted);
        var tidy = Write("tidy.scheme", Formatted);
        var stamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(tidy, stamp);

        var (code, output, error) = Run("fmt", messy, tidy);

        Assert.True(code == 0, output + error);
        Assert.Equal("", output + error);
        Assert.Equal(Formatted, File.ReadAllText(messy));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(tidy));
        Assert.Equal(["-messy 'études' 实验.scheme", "tidy.scheme"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Check_lists_the_files_that_would_change_exits_one_and_writes_nothing()
    {
        var messy = Write("messy.scheme", Unformatted);
        var tidy = Write("tidy.scheme", Formatted);

        var (code, output, _) = Run("fmt", "--check", messy, tidy);

        Assert.Equal(1, code);
        Assert.Equal($"{messy}: error SCH9043: The file is not in canonical layout; run 'scheme fmt' on it.\n", output);
        Assert.Equal(Unformatted, File.ReadAllText(messy));
        Assert.Equal(0, Run("fmt", "--check", tidy).Code);
    }

    [Fact]
    public void A_file_that_does_not_parse_is_reported_with_codes_and_positions_and_never_changed_while_the_others_are_formatted()
    {
        const string broken = "experiment E { seed: 1 }\nenvironment Q {\n  user \"hi\"\n}\n";
        var bad = Write("bad.scheme", broken);
        var good = Write("good.scheme", Unformatted);

        var (code, output, _) = Run("fmt", bad, good);

        Assert.Equal(1, code);
        Assert.StartsWith($"{bad}(3,8): error SCH0001: Unexpected '\"hi\"'. Expected ':' after 'user'", output, StringComparison.Ordinal);
        Assert.Equal(broken, File.ReadAllText(bad));
        Assert.Equal(Formatted, File.ReadAllText(good));
        Assert.Equal(1, Run("fmt", "--check", bad).Code);
    }

    [Fact]
    public void Line_endings_and_a_byte_order_mark_survive_on_disk()
    {
        var path = Path.Combine(_folder, "crlf.scheme");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Unformatted.Replace("\n", "\r\n"))]);

        Assert.Equal(0, Run("fmt", path).Code);

        Assert.Equal([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Formatted.Replace("\n", "\r\n"))], File.ReadAllBytes(path));
        Assert.Equal(0, Run("fmt", "--check", path).Code);
    }

    [Fact]
    public void A_read_only_file_is_refused_with_a_code_and_left_as_it_is()
    {
        var path = Write("locked.scheme", Unformatted);
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, FileAttributes.ReadOnly);
        }
        else
        {
            // By mode, not by a failing write: the tests may run as root, whom no mode stops.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        }

        var (code, _, error) = Run("fmt", path);

        Assert.Equal(1, code);
        Assert.Equal($"{path}: error SCH9042: Cannot write the formatted file: the file is read-only; it was left unchanged.\n", error);
        Assert.Equal(Unformatted, File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void Missing_files_folders_and_text_that_is_not_utf8_get_their_own_codes()
    {
        var missing = Path.Combine(_folder, "nope.scheme");
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "a folder.scheme")).FullName;
        var binary = Path.Combine(_folder, "latin1.scheme");
        byte[] latin1 = [.. Encoding.ASCII.GetBytes("metric r = rate(\"caf"), 0xE9, .. Encoding.ASCII.GetBytes("\")\n")];
        File.WriteAllBytes(binary, latin1);

        Assert.Equal((2, "", $"{missing}: error SCH9008: Input file not found.\n"), Run("fmt", missing));
        var (folderCode, _, folderError) = Run("fmt", folder);
        Assert.Equal(1, folderCode);
        Assert.Equal($"{folder}: error SCH9040: Cannot read the file: it is a folder, not a file\n", folderError);
        var (binaryCode, _, binaryError) = Run("fmt", binary);
        Assert.Equal(1, binaryCode);
        Assert.StartsWith($"{binary}: error SCH9041: The file is not UTF-8 text (invalid bytes at offset 20)", binaryError, StringComparison.Ordinal);
        Assert.Equal(latin1, File.ReadAllBytes(binary));
    }

    [Fact]
    public void A_symbolic_link_stays_a_link_and_its_target_is_formatted()
    {
        var target = Write("target.scheme", Unformatted);
        var link = Path.Combine(_folder, "link.scheme");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(0, Run("fmt", link).Code);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal(Formatted, File.ReadAllText(target));
    }

    [Fact]
    public void A_file_name_with_a_line_break_is_reported_on_one_line()
    {
        var path = Write("two\nlines.scheme", "experiment E { seed: }\n");

        var (code, output, _) = Run("fmt", path);

        Assert.Equal(1, code);
        Assert.Single(output.TrimEnd('\n').Split('\n'));
        Assert.Contains("two\\u000Alines.scheme(1,22): error SCH0001", output, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CommandLine.Run(args, output, error);
        return (code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
