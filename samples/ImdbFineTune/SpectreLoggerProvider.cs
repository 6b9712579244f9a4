using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>Writes the library's log messages as plain console lines that coexist with Spectre's progress bars.</summary>
internal sealed class SpectreLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new SpectreLogger();

    public void Dispose() { }

    private sealed class SpectreLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string color = logLevel switch { >= LogLevel.Error => "red", LogLevel.Warning => "yellow", _ => "grey" };
            AnsiConsole.MarkupLineInterpolated($"[{color}]{formatter(state, exception)}[/]");
        }
    }
}
