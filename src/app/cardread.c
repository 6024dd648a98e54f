/* SPDX-License-Identifier: MIT */
/* cardread: the My Number at the counter. */
#include "app/cardread.h"

#include "card/mynacard.h"
#include "card/pcsc.h"

enum mdg_status cardread_my_number(const char *reader, int wait_ms, const char *pin, size_t len,
				   char out[13], struct mdg_err *err)
{
	struct pcsc *p = NULL;
	enum mdg_status rc = pcsc_open(reader, wait_ms, &p, err);
	if (rc)
		return rc;
	struct mynacard card = { .ops = &pcsc_transport, .ctx = p };
	enum pin_decision d;
	enum apdu_pin_state st;
	int tries;
	rc = mynacard_select_kenhojo(&card, err);
	if (!rc)
		rc = mynacard_verify(&card, MYNA_KEY_PIN, PIN_AT_COUNTER, pin, len, &d, &st, &tries, err);
	if (!rc)
		rc = mynacard_read_my_number(&card, out, err);
	pcsc_close(&p); /* unpowered: the verified PIN ends here */
	return rc;
}
