namespace IrqVerify.Cli;

/// <summary>Process exit codes shared by every command (the table in docs/ci.md).</summary>
public static class ExitCodes
{
    /// <summary>Nothing fails under the --fail-on policy (zoo: every known bug was detected).</summary>
    public const int Clean = 0;
    /// <summary>A finding fails under the policy: a violation always, caller misuse and known upstream
    /// behaviour when --fail-on / --strict names them (zoo: a known bug no engine detected).</summary>
    public const int Found = 1;
    /// <summary>Bad input: one line "file:line:col: problem" on stderr.</summary>
    public const int BadInput = 2;
}
