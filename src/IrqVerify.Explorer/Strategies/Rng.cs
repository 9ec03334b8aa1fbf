// Strategies draw from the project's seeded SplitMix64 (IrqVerify.Model.Core).
global using Rng = IrqVerify.Model.Core.SplitMix64;
