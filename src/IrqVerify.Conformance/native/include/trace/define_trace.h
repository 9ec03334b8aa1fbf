/* IrqVerify stand-in: CREATE_TRACE_POINTS has nothing to create (tracepoints are no-ops). */
