namespace IrqVerify.Cli;

/// <summary>Process exit codes shared by every command.</summary>
public static class ExitCodes
{
    /// <summary>Every invariant held.</summary>
    public const int Clean = 0;
    /// <summary>A violation (or counterexample) was found.</summary>
    public const int Found = 1;
    /// <summary>Bad input: one line "file:line:col: problem" on stderr.</summary>
    public const int BadInput = 2;
}
