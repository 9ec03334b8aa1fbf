// The fuzzer's only randomness is the project's seeded SplitMix64 (IrqVerify.Model.Core).
global using Rng = IrqVerify.Model.Core.SplitMix64;
