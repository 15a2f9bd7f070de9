/* fuzz_service.c - libFuzzer driver for bzj_fuzz_service (see targets.c and run.sh). */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	return bzj_fuzz_service(d, n);
}
