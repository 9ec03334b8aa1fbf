using System.Reflection;
using System.Runtime.Loader;
using IrqVerify.Verify;

namespace IrqVerify.Cli;

/// <summary>
/// The tool ships two copies of the model: the pristine IrqVerify.Model.dll, which every engine runs,
/// and instrumented/IrqVerify.Model.dll, rewritten by sharpfuzz so that every branch bumps an edge
/// counter. Only the fuzzing loop wants those counters, and they cost the model a factor of 3..4, so
/// the loop runs in this second load context: it loads the tool's own assemblies again from the tool's
/// folder, the model from instrumented/, and takes only the framework from the default context. Code
/// in the two contexts shares no types (a Machine here is not a Machine there), so `irqverify fuzz`
/// runs whole in this context and the other engines reach it through <see cref="FuzzBurst.Host"/>,
/// whose request and result are text.
/// </summary>
internal sealed class InstrumentedModel : AssemblyLoadContext
{
    private static readonly string ToolDir = AppContext.BaseDirectory;
    private static readonly string ModelPath = Path.Combine(ToolDir, "instrumented", "IrqVerify.Model.dll");
    private static InstrumentedModel? _context;

    private InstrumentedModel() : base("irqverify-instrumented-model") { }

    /// <summary>Whether the instrumented copy ships beside the tool and this code is not already
    /// running in its context.</summary>
    public static bool Available =>
        File.Exists(ModelPath) && GetLoadContext(typeof(InstrumentedModel).Assembly) is not InstrumentedModel;

    private static InstrumentedModel Context => _context ??= new InstrumentedModel();

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name == "IrqVerify.Model") return LoadFromAssemblyPath(ModelPath);
        string own = Path.Combine(ToolDir, name.Name + ".dll");
        return File.Exists(own) ? LoadFromAssemblyPath(own) : null;
    }

    /// <summary>Runs the whole command line (`irqverify fuzz ...`) in the context.</summary>
    public static int RunCli(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var program = Context.LoadFromAssemblyName(typeof(Program).Assembly.GetName()).GetType(typeof(Program).FullName!)!;
        var run = program.GetMethod(nameof(Program.Run), [typeof(string[]), typeof(TextWriter), typeof(TextWriter)])!;
        return (int)run.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [args, stdout, stderr], null)!;
    }

    /// <summary>The context's <see cref="FuzzBurst.RunJson"/>, for <see cref="FuzzBurst.Host"/> (the
    /// context is made on first use).</summary>
    public static Func<string, Action<long, int, int, double>?, string> FuzzHost() => _host ??= MakeHost();

    private static Func<string, Action<long, int, int, double>?, string>? _host;

    private static Func<string, Action<long, int, int, double>?, string> MakeHost()
    {
        var burst = Context.LoadFromAssemblyName(typeof(FuzzBurst).Assembly.GetName()).GetType(typeof(FuzzBurst).FullName!)!;
        return burst.GetMethod(nameof(FuzzBurst.RunJson))!.CreateDelegate<Func<string, Action<long, int, int, double>?, string>>();
    }
}
