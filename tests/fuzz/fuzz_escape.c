/* fuzz_escape.c - libFuzzer driver for bzj_fuzz_escape (see targets.c and run.sh). */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	return bzj_fuzz_escape(d, n);
}
