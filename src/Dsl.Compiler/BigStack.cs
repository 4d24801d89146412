namespace Scheme.Compiler;

/// <summary>
/// Runs compiler work (checking, compiling, formatting) on a thread with a large stack. The compiler bounds its own
/// recursion; the large stack is the insurance that a pathological file ends in a diagnostic, never a crashed build,
/// command or language server. One place for every host: the CLI's check, compile and fmt, and the language server.
/// </summary>
public static class BigStack
{
    private const int StackSize = 64 * 1024 * 1024;

    /// <summary>The work's result, or its exception, once the thread ends (the caller's thread is not blocked).</summary>
    public static Task<T> RunAsync<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(work());
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        }, StackSize) { IsBackground = true, Name = "scheme compiler" };
        thread.Start();
        return completion.Task;
    }

    /// <summary>The work's result; its exception is rethrown as it was thrown.</summary>
    public static T Run<T>(Func<T> work) => RunAsync(work).GetAwaiter().GetResult();
}
