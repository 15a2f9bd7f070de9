/* keys2man - print the console's key section for man/bzj.1 from the keymap
 * table (tui/keymap.h), so the manual cannot drift from the keys. */
#include <stdio.h>

#include "keymap.h"

int main(void)
{
	keymap_write_man(stdout);
	return 0;
}
