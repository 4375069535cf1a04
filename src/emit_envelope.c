/*
 * emit_envelope.c - the members every record ends with (emit.h,
 * emit_env_write):
 *
 *   "observer":{ hostname name product type version  ingress{interface{id name}} }
 *   "ecs":{ version }  "labels":{ --add-field ... }
 *
 * All of it but observer.ingress is the same for every record of a run, so
 * those members are serialised once, by the same jw calls that wrote them
 * each time before, and spliced into each record: byte for byte what the
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

/* Serialises the fixed parts; false when out of memory (nothing kept). */
static bool env_build(struct emit_env *e, const struct tt_config *c, const char *hostname)
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

void emit_env_init(struct emit_env *e)
{
	memset(e, 0, sizeof *e);
	pthread_mutex_init(&e->mu, NULL);
	atomic_init(&e->ready, false);
}

void emit_env_free(struct emit_env *e)
{
	free(e->observer.text);
	free(e->tail.text);
	pthread_mutex_destroy(&e->mu);
	memset(e, 0, sizeof *e);
}

size_t emit_env_bytes(const struct emit_env *e)
{
	/* another thread may be building them: counted once they are ready */
	if (!atomic_load_explicit(&e->ready, memory_order_acquire))
		return 0;
	return mem_block(e->observer.text) + mem_block(e->tail.text);
}

/* The fixed parts, made by the first record of any thread; false when
 * they could not be made (out of memory). */
static bool env_ready(struct emit_env *e, const struct tt_config *c, const char *hostname)
{
	bool ok;

	if (atomic_load_explicit(&e->ready, memory_order_acquire))
		return true;
	pthread_mutex_lock(&e->mu);
	ok = atomic_load_explicit(&e->ready, memory_order_relaxed) || env_build(e, c, hostname);
	if (ok)
		atomic_store_explicit(&e->ready, true, memory_order_release);
	pthread_mutex_unlock(&e->mu);
	return ok;
}

void emit_env_write(struct emit_env *e, struct jw *w, const struct tt_ctx *ctx,
		    const char *hostname, const struct source *src)
{
	const struct tt_config *c = &ctx->cfg;
	const char *iface = src ? src->iface : c->ingress_iface;
	int32_t iface_id = src ? src->iface_id : -1;

	if (!env_ready(e, c, hostname)) {
		w->oom = true;
		return;
	}
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
