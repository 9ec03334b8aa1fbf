/* IrqVerify stand-in: every tracepoint of a trace/events header becomes an empty inline function. */
#ifndef KSTUB_TRACEPOINT_H
#define KSTUB_TRACEPOINT_H
#include <kstub/kstub.h>
#define TP_PROTO(...) __VA_ARGS__
#define TP_ARGS(...) __VA_ARGS__
#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(template, name, proto, args) static inline void trace_##name(proto) {}
#define TRACE_EVENT(name, proto, args, tstruct, assign, print) static inline void trace_##name(proto) {}
#endif
