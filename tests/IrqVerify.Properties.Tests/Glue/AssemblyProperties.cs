using IrqVerify.Properties.Tests;

// FsCheck's default case count, declared so that IRQVERIFY_PROPERTY_SCALE reaches properties that set none.
[assembly: SuiteProperties(MaxTest = PropertyEnvironment.DefaultMaxTest)]
