using System.Runtime.InteropServices;

namespace Scheme.Compiler.Text;

/// <summary>
/// What kind of file system entry a path names, found without opening it: opening a FIFO blocks until something
/// writes to it, and reading a device (/dev/zero) never ends. .NET does not say whether a file is regular, so on
/// Unix this asks stat(2) through the runtime's own native library, whose FileStatus begins with Flags and Mode
/// on every platform and version .NET supports.
/// </summary>
internal static class FileKind
{
    /// <returns>Null for a regular file; otherwise what it is ("a FIFO (named pipe)", "a character device" ...).</returns>
    public static string? NotRegular(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // No FIFOs or devices live among Windows files; its devices have paths of their own (\\.\, \\?\).
            return path.StartsWith(@"\\.\", StringComparison.Ordinal) || path.StartsWith(@"\\?\", StringComparison.Ordinal) ? "a device" : null;
        }
        var status = new byte[256];
        if (Stat(path, status) != 0)
        {
            return null; // Gone, or not ours to see: opening it reports why.
        }
        var mode = BitConverter.ToInt32(status, 4) & FileTypeMask;
        return mode switch
        {
            Regular => null,
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0x4000 => "a folder",
            _ => "not a regular file",
        };
    }

    private const int FileTypeMask = 0xF000;
    private const int Regular = 0x8000;

    /// <summary>stat(2), following symbolic links; the output buffer is larger than any FileStatus.</summary>
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] output);
}
