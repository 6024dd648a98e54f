/* SPDX-License-Identifier: MIT */
/* Fuzz target: card bytes: the BER-TLV walker and the input-support AP parsers (basic-4, My
 * Number). Whatever a card (or a forged one) returns must end in a result, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/cardtext.h"
#include "core/tlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct tlv *t, int depth)
{
	size_t pos = 0;
	struct tlv c;
	while (depth < 8 && tlv_next(t, &pos, &c) == TLV_OK)
		if (c.constructed)
			walk(&c, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlv t;
	if (tlv_read(data, size, &t) == TLV_OK)
		walk(&t, 0);
	(void)card_object_size(data, size);
	struct card_basic4 b;
	if (card_parse_basic4(data, size, &b) == CARD_PARSE_OK && (!b.name[0] || !b.address[0]))
		__builtin_trap(); /* a success always has both texts */
	char num[13];
	(void)card_parse_my_number(data, size, num);
	return 0;
}
