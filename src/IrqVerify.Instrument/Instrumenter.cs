using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace IrqVerify.Instrument;

/// <summary>What one instrumentation pass did.</summary>
public sealed record InstrumentReport(int Methods, int Blocks, IReadOnlyList<string> BlockMap);

/// <summary>
/// Inserts an AFL edge probe <c>ldc.i4 id; call Cov::Hit(int32)</c> at every basic-block head of
/// every method body. The leader instruction is rewritten IN PLACE into the <c>ldc.i4</c> and its
/// original opcode/operand moves to a new instruction after the call: every branch, switch entry
/// and exception-handler boundary that pointed at the leader now lands on the probe without any
/// re-pointing. The probe is stack-neutral, so it is safe at handler starts.
/// </summary>
public static class Instrumenter
{
    public const string CoverageAssembly = "IrqVerify.Coverage";

    public static InstrumentReport Run(string input, string output, string coverageDll, int mapSize)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(input))!);
        resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(coverageDll))!);
        using var asm = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver, InMemory = true });
        var module = asm.MainModule;
        if (module.AssemblyReferences.Any(r => r.Name == CoverageAssembly))
            throw new InvalidOperationException($"{input} is already instrumented (it references {CoverageAssembly})");

        using var cov = ModuleDefinition.ReadModule(coverageDll);
        var hitDef = cov.GetType("IrqVerify.Coverage.Cov").Methods.Single(m => m.Name == "Hit");
        var hit = module.ImportReference(hitDef);

        var map = new List<string>();
        int methods = 0;
        foreach (var type in module.GetTypes())
            foreach (var method in type.Methods)
            {
                if (!method.HasBody || method.Body.Instructions.Count == 0) continue;
                methods++;
                Instrument(module.Name, method, hit, mapSize, map);
            }
        asm.Write(output);
        return new InstrumentReport(methods, map.Count, map);
    }

    private static void Instrument(string moduleName, MethodDefinition method, MethodReference hit, int mapSize, List<string> map)
    {
        var body = method.Body;
        body.SimplifyMacros();
        var leaders = Leaders(body);
        var il = body.GetILProcessor();
        string name = method.FullName;
        foreach (var leader in leaders)
        {
            int id = BlockIds.Of(moduleName, name, leader.Offset, mapSize);
            map.Add($"{id}\t{name}\tIL_{leader.Offset:x4}");
            var moved = il.Create(OpCodes.Nop);
            moved.OpCode = leader.OpCode;
            moved.Operand = leader.Operand;
            leader.OpCode = OpCodes.Ldc_I4;
            leader.Operand = id;
            var call = il.Create(OpCodes.Call, hit);
            il.InsertAfter(leader, call);
            il.InsertAfter(call, moved);
        }
        body.OptimizeMacros();
    }

    /// <summary>Block heads: the first instruction, every branch/switch target, the instruction after
    /// any branch/return/throw, and try/handler/filter starts. In IL order, each once.</summary>
    private static List<Instruction> Leaders(MethodBody body)
    {
        var set = new HashSet<Instruction> { body.Instructions[0] };
        foreach (var ins in body.Instructions)
        {
            if (ins.Operand is Instruction t) set.Add(t);
            else if (ins.Operand is Instruction[] ts) foreach (var x in ts) set.Add(x);
            var fc = ins.OpCode.FlowControl;
            if (fc is FlowControl.Branch or FlowControl.Cond_Branch or FlowControl.Return or FlowControl.Throw && ins.Next is not null)
                set.Add(ins.Next);
        }
        foreach (var eh in body.ExceptionHandlers)
        {
            if (eh.TryStart is not null) set.Add(eh.TryStart);
            if (eh.HandlerStart is not null) set.Add(eh.HandlerStart);
            if (eh.FilterStart is not null) set.Add(eh.FilterStart);
        }
        var list = new List<Instruction>(set.Count);
        foreach (var ins in body.Instructions) if (set.Contains(ins)) list.Add(ins);
        return list;
    }
}
