using System.Diagnostics;
using System.Text;

namespace EeFunctions.Testing;

/// <summary>
/// Everything a child process prints on stdout and stderr, in arrival order, readable while it runs; tests put it in
/// their failure messages. Optionally signals when a line containing a marker arrives.
/// </summary>
public sealed class ProcessOutput
{
    private readonly StringBuilder _text = new();
    private readonly string? _marker;
    private readonly TaskCompletionSource _markerSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts reading <paramref name="process"/>'s redirected output and error streams.</summary>
    public ProcessOutput(Process process, string? marker = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        _marker = marker;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Completes when a line containing the marker has been printed.</summary>
    public Task MarkerSeen => _markerSeen.Task;

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_text)
        {
            _text.AppendLine(line);
        }

        if (_marker is not null && line.Contains(_marker, StringComparison.Ordinal))
        {
            _markerSeen.TrySetResult();
        }
    }
}
