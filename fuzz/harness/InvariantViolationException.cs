namespace IrqVerify.Fuzz.Harness;

/// <summary>Thrown out of the engine's action for a counted failure: SharpFuzz reports any escaping
/// exception to AFL++/libFuzzer as a crash. The message is the violated-invariant signature.</summary>
internal sealed class InvariantViolationException(string signature) : Exception(signature);
