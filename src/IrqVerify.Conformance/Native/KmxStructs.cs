using System.Runtime.InteropServices;

namespace IrqVerify.Conformance.Native;

// Mirrors of the glue's ABI structs (native/glue/kmatrix_glue.c); field order and padding match.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KmxGlobals
{
    public uint MatrixBits, AllocStart, AllocEnd, AllocSize;
    public uint GlobalAvailable, GlobalReserved, SystemBitsInAlloc, TotalAllocated, OnlineMaps, Pad;
    public fixed ulong SystemMap[4];
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KmxCpu
{
    public uint Available, Allocated, Managed, ManagedAllocated;
    public byte Initialized, Online;
    private fixed byte _pad[6];
    public fixed ulong AllocMap[4];
    public fixed ulong ManagedMap[4];
}

[StructLayout(LayoutKind.Sequential)]
internal struct KmxResult
{
    public int Ret;
    public uint MappedCpu;
    public uint Warns, Bugs, PrWarns, Pad;
}
