using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Engine.Tests.Interop;

/// <summary>
/// A program started by a test: stdout and stderr go line by line (split on '\n' and '\r') to a bounded in-memory
/// log and to an optional callback; stdin stays an open pipe (closing it is a stop signal for our scripts).
/// Dispose kills the process tree rooted at the PID this instance started, and nothing else.
/// </summary>
public sealed class ExternalProcess : IDisposable, IAsyncDisposable
{
    public const int SigHup = 1;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly BoundedLog _log;
    private readonly Action<string>? _onLine;
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private readonly object _stdinGate = new();
    private readonly bool _wrapped;
    private bool _stdinClosed;
    private int _disposed;

    private ExternalProcess(ProcessSpec spec, Action<string>? onLine)
    {
        Name = spec.DisplayName;
        _log = new BoundedLog(spec.LogCapacity);
        _onLine = onLine;

        var psi = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        if (spec.MaxLifetime is { } life)
        {
            // timeout(1) forwards SIGTERM to the program and SIGKILLs it 5 s after the lifetime if it ignores TERM.
            psi.FileName = "/usr/bin/timeout";
            psi.ArgumentList.Add("--kill-after=5");
            psi.ArgumentList.Add(((int)Math.Ceiling(life.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            psi.ArgumentList.Add(spec.NetNamespace is null ? spec.FileName : "ip");
        }
        else
        {
            psi.FileName = spec.NetNamespace is null ? spec.FileName : "ip";
        }
        if (spec.NetNamespace is { } ns)
        {
            // ip execs the program after entering the namespace: the PID is the program's (or timeout's child's).
            psi.ArgumentList.Add("netns");
            psi.ArgumentList.Add("exec");
            psi.ArgumentList.Add(ns);
            psi.ArgumentList.Add(spec.FileName);
        }
        foreach (var arg in spec.Arguments) psi.ArgumentList.Add(arg);
        foreach (var (key, value) in spec.Environment)
        {
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        }

        _wrapped = spec.MaxLifetime is not null;
        CommandLine = spec.FileName + " " + string.Join(' ', spec.Arguments);
        _process = new Process { StartInfo = psi };
        try
        {
            _process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {Name} ({CommandLine}): {e.Message}", e);
        }
        Pid = _process.Id;
        _stdoutPump = Pump(_process.StandardOutput.BaseStream, "");
        _stderrPump = Pump(_process.StandardError.BaseStream, "[err] ");
        Exited = WaitExitedAsync();
    }

    /// <summary>Starts the program. <paramref name="onLine"/> is called (on a pool thread) for every output line.</summary>
    public static ExternalProcess Start(ProcessSpec spec, Action<string>? onLine = null) => new(spec, onLine);

    public string Name { get; }
    public string CommandLine { get; }

    /// <summary>The PID we started (the <c>timeout</c> wrapper when <see cref="ProcessSpec.MaxLifetime"/> is set).</summary>
    public int Pid { get; }

    /// <summary>Completes with the exit code once the process has exited and its output was read.</summary>
    public Task<int> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    /// <summary>The last lines of output (stderr lines prefixed "[err] ").</summary>
    public string LogTail => _log.ToString();

    public string[] LogLines() => _log.Snapshot();

    /// <summary>
    /// The program's own PID: <see cref="Pid"/>, or the single child of the <c>timeout</c> wrapper
    /// (null when the program has not been exec'd yet or has exited).
    /// </summary>
    public int? ProgramPid
    {
        get
        {
            if (HasExited) return null;
            if (!_wrapped) return Pid;
            try
            {
                var children = File.ReadAllText($"/proc/{Pid}/task/{Pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return children.Length == 1 ? int.Parse(children[0], System.Globalization.CultureInfo.InvariantCulture) : null;
            }
            catch (IOException) { return null; }
        }
    }

    /// <summary>
    /// Sends a signal to the program itself (never to anything we did not start). Not through the timeout(1) wrapper:
    /// it would forward the signal but also arm its SIGKILL timer. Waits up to 2 s for the program to be exec'd.
    /// </summary>
    public async Task SignalAsync(int signal)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (true)
        {
            if (ProgramPid is { } pid)
            {
                if (Kill(pid, signal) != 0)
                    throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()} for {Name}");
                return;
            }
            if (HasExited) throw new InvalidOperationException($"{Name} has exited; cannot send signal {signal}.\n{Describe()}");
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"could not find the PID of {Name} under pid {Pid}");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Writes one line to the program's stdin (ignored once stdin is closed or the program exited).</summary>
    public void WriteLine(string line)
    {
        lock (_stdinGate)
        {
            if (_stdinClosed || HasExited) return;
            try
            {
                _process.StandardInput.Write(line + "\n");
                _process.StandardInput.Flush();
            }
            catch (IOException) { }
        }
    }

    public void CloseStdin()
    {
        lock (_stdinGate)
        {
            if (_stdinClosed) return;
            _stdinClosed = true;
            try { _process.StandardInput.Close(); } catch (IOException) { }
        }
    }

    /// <summary>Waits for the program to exit on its own; throws <see cref="TimeoutException"/> (with the log) after the timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(Exited, Task.Delay(timeout)).ConfigureAwait(false) != Exited)
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0.#} s.\n{Describe()}");
        return await Exited.ConfigureAwait(false);
    }

    /// <summary>Asks politely (close stdin, SIGTERM to our PID), waits up to <paramref name="grace"/>, then kills the tree.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited) return;
        CloseStdin();
        if (!_process.HasExited) _ = Kill(Pid, SigTerm);
        if (await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false) != Exited)
            KillTree();
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }

    /// <summary>Name, command line, exit state and the log tail, for exception messages.</summary>
    public string Describe()
    {
        var state = HasExited ? $"exited with code {Exited.Result}" : "still running";
        return $"--- {Name} (pid {Pid}, {state}) ---\n$ {CommandLine}\n{LogTail}--- end of {Name} log ---";
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        KillTree();
        Exited.Wait(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        KillTree();
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        _process.Dispose();
    }

    private void KillTree()
    {
        CloseStdin();
        // Kill the program (and its children) first and let the timeout(1) wrapper reap it and exit: killing the
        // wrapper first would orphan the program, and an orphan killed later stays a zombie under our PID 1.
        if (_wrapped && !_process.HasExited && ProgramPid is { } programPid)
        {
            try
            {
                using var program = Process.GetProcessById(programPid);
                program.Kill(entireProcessTree: true);
            }
            catch (ArgumentException) { } // already gone
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
            _process.WaitForExit(2000);
        }
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // already gone
        catch (System.ComponentModel.Win32Exception) { }
    }

    private async Task<int> WaitExitedAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        // A grandchild that inherited the pipes can keep them open: don't wait for it forever.
        await Task.WhenAny(Task.WhenAll(_stdoutPump, _stderrPump), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        return _process.ExitCode;
    }

    private Task Pump(Stream stream, string prefix) => Task.Run(async () =>
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[8192];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        var line = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(bytes).ConfigureAwait(false)) > 0)
            {
                var count = decoder.GetChars(bytes, 0, read, chars, 0);
                for (var i = 0; i < count; i++)
                {
                    var c = chars[i];
                    if (c is '\n' or '\r') Emit(line, prefix);
                    else line.Append(c);
                }
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        Emit(line, prefix);
    });

    private void Emit(StringBuilder line, string prefix)
    {
        if (line.Length == 0) return;
        var text = line.ToString().TrimEnd();
        line.Clear();
        if (text.Length == 0) return;
        _log.Add(prefix + text);
        try { _onLine?.Invoke(prefix + text); }
        catch (Exception e) { _log.Add("[harness] line callback failed: " + e.Message); }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
