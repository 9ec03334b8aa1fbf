using IrqVerify.Model.Core;

namespace IrqVerify.Model.Program;

/// <summary>The type of an operation argument in the program vocabulary.</summary>
public enum ArgKind
{
    /// <summary>An integer (decimal or 0x hex), e.g. a count, an MSI-X index, a vector k.</summary>
    Int,
    /// <summary>A CPU (x86) or vCPU (Xen) number.</summary>
    Cpu,
    /// <summary>A cpumask "{0-2,5}".</summary>
    Mask,
    /// <summary>A PCI device name from the machine configuration ("dev1").</summary>
    Device,
    /// <summary>A Linux irq: a variable bound by an earlier operation, or a literal number.</summary>
    Irq,
    /// <summary>A Xen event-channel port: a variable, or a literal number.</summary>
    Port,
    /// <summary>One word from <see cref="ParamSpec.Words"/> ("fifo").</summary>
    Word,
    /// <summary>Words from <see cref="ParamSpec.Words"/> joined by '|' ("msix|affinity"); value = bit set.</summary>
    Flags,
}

/// <summary>What an operation produces: a resource later lines can name, or nothing.</summary>
public enum ResultKind { None, Int, Irq, Port }

public sealed record ParamSpec(string Name, ArgKind Kind, string[]? Words = null)
{
    public static ParamSpec Int(string name) => new(name, ArgKind.Int);
    public static ParamSpec Cpu(string name = "cpu") => new(name, ArgKind.Cpu);
    public static ParamSpec Mask(string name = "mask") => new(name, ArgKind.Mask);
    public static ParamSpec Device(string name = "dev") => new(name, ArgKind.Device);
    public static ParamSpec Irq(string name = "irq") => new(name, ArgKind.Irq);
    public static ParamSpec Port(string name = "port") => new(name, ArgKind.Port);
    public static ParamSpec Word(string name, params string[] words) => new(name, ArgKind.Word, words);
    public static ParamSpec Flags(string name, params string[] words) => new(name, ArgKind.Flags, words);
}

/// <summary>
/// Resolved argument values of one call: ints, CPU numbers, mask bits, device index, irq/port
/// numbers (-1 when the variable's producer failed), word index, or flag bits.
/// </summary>
public readonly struct OpArgs(long[] values)
{
    public long this[int i] => values[i];
    public int Int(int i) => (int)values[i];
    public CpuMask Mask(int i) => new((ulong)values[i]);
    public bool Flag(int i, int wordIndex) => (values[i] >> wordIndex & 1) != 0;
    public int Count => values.Length;
}

/// <summary>The body of an operation: an iterator over the machine that fills the result.</summary>
public delegate IEnumerable<Sched> OpBody(Machine m, OpArgs args, OpResult result);

/// <summary>
/// One operation of the vocabulary. <see cref="CpuParam"/> names the argument giving the CPU the
/// operation runs on (-1: it runs on CPU 0, or is an environment actor such as a device or Xen).
/// </summary>
public sealed record OpSpec(string Name, ParamSpec[] Params, ResultKind Result, int CpuParam, OpBody Body, string Summary)
{
    /// <summary>Environment actors (devices, the hypervisor) run on no CPU.</summary>
    public bool IsEnvironment { get; init; }

    /// <summary>
    /// A harness operation of a peer suite (KUnit's direct calls into kernel/irq internals, the KVM
    /// selftest's raw host writes to shared_info). Programs may name it; generators and the fuzz
    /// table never produce it: outside the peer's own sequence it is neither a driver's call nor
    /// something Xen does, so what it breaks is the harness's doing, not Linux's.
    /// </summary>
    public bool PeerHarness { get; init; }
}
