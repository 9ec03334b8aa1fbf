using System.CommandLine;

namespace IrqVerify.Cli;

/// <summary>The options a CI pipeline uses on verify, fuzz, explore and zoo (docs/ci.md).</summary>
public static class CiOptions
{
    public static Option<string[]> FailOn() => new("--fail-on")
    {
        Description = "Finding classes that fail the run (exit 1): violation (always), misuse, known; repeatable or comma-separated (--strict = misuse,known)",
        AllowMultipleArgumentsPerToken = true,
    };

    public static Option<string?> JUnit() => new("--junit") { Description = "Write JUnit XML results to this file (for CI servers)" };

    public static Option<string?> Db() => new("--db") { Description = "Findings database directory: findings seen before are reported as known since their first run, vanished ones as fixed when the same work was re-run" };
}
