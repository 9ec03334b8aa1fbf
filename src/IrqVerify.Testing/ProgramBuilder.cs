using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Testing;

/// <summary>A named resource a generated program holds: an irq or port variable and the value it
/// had when the generator simulated the program (-1: its producer failed).</summary>
public sealed record Resource(string Name, ResultKind Kind, long Value, int Line);

/// <summary>
/// Emits program lines and runs each one on a shadow machine, so that a generator can choose the
/// next operation from the real state (which irqs exist, which are requested, which mode a device
/// is in). The shadow run uses no checks; the property runs the finished program again with them.
/// Every emitted line is well typed: variables are bound before use and of the parameter's kind.
/// </summary>
public sealed class ProgramBuilder
{
    private readonly List<ProgramLine> _lines = new();
    private readonly Dictionary<string, long> _vars = new(StringComparer.Ordinal);
    private readonly List<Resource> _resources = new();
    private int _nextIrq, _nextPort;
    private bool _dead;

    public ProgramBuilder(MachineConfig cfg, Variants variants)
    {
        Config = cfg;
        Shadow = new Machine(cfg, variants);
    }

    public MachineConfig Config { get; }

    /// <summary>The machine the emitted lines ran on (state after the last line).</summary>
    public Machine Shadow { get; }

    public int Count => _lines.Count;

    public IReadOnlyList<Resource> Resources => _resources;

    public IrqProgram Build() => new(_lines.ToList());

    /// <summary>Appends a call, binding Irq/Port results to a fresh variable; returns the shadow result.</summary>
    public (OpResult Result, string? Var) Emit(string op, params ProgramArg[] args)
    {
        var spec = OpCatalog.Default[op];
        if (args.Length != spec.Params.Length) throw new ArgumentException($"{op}: {args.Length} args for {spec.Params.Length} params");
        string? bind = spec.Result switch
        {
            ResultKind.Irq => "irq" + _nextIrq++,
            ResultKind.Port => "p" + _nextPort++,
            _ => null,
        };
        var line = new ProgramLine(bind, op, args);
        _lines.Add(line);
        var r = new OpResult();
        if (!_dead)
        {
            try
            {
                var values = ProgramRunner.Resolve(line, _vars);
                int cpu = spec.CpuParam >= 0 ? (int)values[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;
                Shadow.Run("gen:" + op, cpu, spec.Body(Shadow, values, r));
            }
            catch (Exception)
            {
                // The property will run this line again and report the exception; stop simulating.
                _dead = true;
            }
        }
        if (bind is not null)
        {
            long v = r.Ok ? r.Value : -1;
            _vars[bind] = v;
            _resources.Add(new Resource(bind, spec.Result, v, _lines.Count));
        }
        return (r, bind);
    }

    // ------------------------------------------------------------------ argument constructors

    public static ProgramArg Int(long v) => new(ArgKind.Int, v);
    public static ProgramArg Cpu(int c) => new(ArgKind.Cpu, c);
    public static ProgramArg Mask(CpuMask mask) => new(ArgKind.Mask, (long)mask.Bits);
    public ProgramArg Dev(int index) => new(ArgKind.Device, index, null, Config.Devices[index].Name);
    public static ProgramArg Var(Resource r) => ProgramArg.Var(r.Kind == ResultKind.Port ? ArgKind.Port : ArgKind.Irq, r.Name);

    public static ProgramArg Word(string op, int param, string word)
    {
        var p = OpCatalog.Default[op].Params[param];
        int idx = Array.IndexOf(p.Words!, word);
        if (idx < 0) throw new ArgumentException($"{op}: '{word}' is not a word of {p.Name}");
        return new ProgramArg(ArgKind.Word, idx, null, word);
    }

    public static ProgramArg Flags(string op, int param, params string[] words)
    {
        var p = OpCatalog.Default[op].Params[param];
        long bits = 0;
        foreach (var w in words)
        {
            int idx = Array.IndexOf(p.Words!, w);
            if (idx < 0) throw new ArgumentException($"{op}: '{w}' is not a flag of {p.Name}");
            bits |= 1L << idx;
        }
        return FlagsOf(p, bits);
    }

    public static ProgramArg FlagsOf(ParamSpec p, long bits) =>
        new(ArgKind.Flags, bits, null, string.Join("|", p.Words!.Where((_, i) => (bits >> i & 1) != 0)));

    public static ProgramArg WordOf(ParamSpec p, int idx) => new(ArgKind.Word, idx, null, p.Words![idx]);

    // ------------------------------------------------------------------ shadow-state queries

    /// <summary>Irq variables whose descriptor exists now on the shadow machine.</summary>
    public List<Resource> LiveIrqs() => _resources.Where(r => r.Kind == ResultKind.Irq && r.Value >= 0 && Shadow.Irqs[(int)r.Value] is not null).ToList();

    public List<Resource> Irqs() => _resources.Where(r => r.Kind == ResultKind.Irq).ToList();

    public List<Resource> Ports() => _resources.Where(r => r.Kind == ResultKind.Port).ToList();

    public bool Requested(Resource r) => r.Value >= 0 && Shadow.Irqs[(int)r.Value]?.Action is not null;

    /// <summary>Irq variables of device <paramref name="dev"/> (descriptor owned by it) that are live.</summary>
    public List<Resource> IrqsOfDevice(int dev) =>
        LiveIrqs().Where(r => Shadow.Irqs[(int)r.Value] is { Owner: Model.Irq.IrqOwner.PciMsi } d && d.OwnerIndex == dev).ToList();
}
