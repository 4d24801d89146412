namespace Scheme.LanguageServer.Workspace;

/// <summary>
/// Runs the compiler on a thread with a large stack, as the command line does: the compiler bounds its own recursion,
/// and the large stack is the insurance that a pathological buffer ends in a diagnostic, never a dead server.
/// </summary>
internal static class BigStack
{
    private const int StackSize = 64 * 1024 * 1024;

    public static Task<T> Run<T>(Func<T> work)
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
        }, StackSize) { IsBackground = true, Name = "scheme check" };
        thread.Start();
        return completion.Task;
    }
}
