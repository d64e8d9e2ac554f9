/* Entry object of the wasm build: the exported C API lives in the core
 * library; this file only anchors the executable target. */
#include "core/wvm.h"

int main(void) { return 0; }
