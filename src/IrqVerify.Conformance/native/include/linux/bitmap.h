/* IrqVerify stand-in: see kstub/kstub.h */
#include <kstub/kstub.h>
