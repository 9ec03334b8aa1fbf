using IrqVerify.Model.Designs;

namespace IrqVerify.Designs.Template;

/// <summary>
/// The template to copy (docs/designs.md): a design overrides the decision points it changes and
/// inherits Linux everywhere else. This one packs vectors on the lowest-numbered CPU that has room
/// instead of spreading them over the least loaded CPU.
/// </summary>
public sealed class PackedVectorsDesign : Design
{
    public override string Name => "packed-vectors";
    public override string Summary => "template: non-managed vectors packed on the lowest CPU with room instead of the least loaded one";
    public override IVectorAssigner VectorAssigner { get; } = new LowestCpuFirst();
}
