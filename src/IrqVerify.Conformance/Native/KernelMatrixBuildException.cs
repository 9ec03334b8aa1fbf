namespace IrqVerify.Conformance.Native;

/// <summary>The kernel matrix library could not be built: a missing tool or source (exit 2), with the
/// one line the build script printed.</summary>
public sealed class KernelMatrixBuildException(string message) : Exception(message);
