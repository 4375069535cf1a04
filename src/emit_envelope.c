/*
 * emit_envelope.c - the members every record ends with (emit.h,
 * emit_env_write):
 *
 *   "observer":{ hostname name product type version  ingress{interface{id name}} }
 *   "ecs":{ version }  "labels":{ --add-field ... }
 *
 * All of it but observer.ingress is the same for every record of a run, so
 * those members are serialised once, when the emitter is made, by the same
 * jw calls that wrote them each time before, and spliced into each record: byte for byte what the
 * member-wise writing gave, at a fraction of its cost.
 */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "sources.h"
#include "tlstap_version.h"

/* The members of observer before ingress. */
static void observer_fixed(struct jw *w, const struct tt_config *c, const char *hostname)
{
	if (hostname[0])
		jw_str(w, "hostname", hostname);
	if (c->observer_name)
		jw_str(w, "name", c->observer_name);
	jw_name(w, "product", "tlstap");
	jw_name(w, "type", "sensor");
	jw_name(w, "version", TLSTAP_VERSION);
}

/* The record's members after observer. */
static void record_fixed(struct jw *w, const struct tt_config *c)
{
	jw_open(w, "ecs", '{');
	jw_name(w, "version", ECS_VERSION);
	jw_close(w, true);
	if (c->nlabels) {
		jw_open(w, "labels", '{');
		for (unsigned i = 0; i < c->nlabels; i++)
			jw_str(w, c->label_key[i], c->label_val[i]);
		jw_close(w, true);
	}
}

/* The members written into w's open object, copied into *part. */
static bool keep_members(struct jw *w, struct emit_env_part *part)
{
	const char *m = jw_members(w, &part->len, &part->count);

	if (w->oom || !(part->text = malloc(part->len ? part->len : 1)))
		return false;
	memcpy(part->text, m, part->len);
	return true;
}

bool emit_env_build(struct emit_env *e, const struct tt_config *c, const char *hostname)
{
	struct jw tmp;
	bool ok;

	jw_init(&tmp);
	jw_open(&tmp, NULL, '{');
	observer_fixed(&tmp, c, hostname);
	ok = keep_members(&tmp, &e->observer);
	jw_reset(&tmp);
	jw_open(&tmp, NULL, '{');
	record_fixed(&tmp, c);
	if (ok && !keep_members(&tmp, &e->tail)) {
		free(e->observer.text);
		e->observer.text = NULL;
		ok = false;
	}
	jw_free(&tmp);
	return ok;
}

void emit_env_free(struct emit_env *e)
{
	free(e->observer.text);
	free(e->tail.text);
	memset(e, 0, sizeof *e);
}

size_t emit_env_bytes(const struct emit_env *e)
{
	return mem_block(e->observer.text) + mem_block(e->tail.text);
}

void emit_env_write(const struct emit_env *e, struct jw *w, const struct tt_config *c,
		    const struct source *src)
{
	const char *iface = src ? src->iface : c->ingress_iface;
	int32_t iface_id = src ? src->iface_id : -1;

	jw_open(w, "observer", '{');
	jw_splice(w, e->observer.text, e->observer.len, e->observer.count);
	if ((iface && iface[0]) || iface_id >= 0) {
		char num[24];

		jw_open(w, "ingress", '{');
		jw_open(w, "interface", '{');
		if (iface_id >= 0)
			jw_strn(w, "id", num, jw_utoa((uint64_t)iface_id, num));
		if (iface && iface[0])
			jw_wire(w, "name", iface, strlen(iface), NULL);
		jw_close(w, true);
		jw_close(w, true);
	}
	jw_close(w, true);
	jw_splice(w, e->tail.text, e->tail.len, e->tail.count);
}
