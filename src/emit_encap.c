/*
 * emit_encap.c - tlstap.encapsulation: the tunnels a connection travelled
 * in, from the chain the decoder recorded (encap.h).  One object per layer,
 * outermost first; FIELDS.md lists each type's members.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "emit.h"

static void ip_text(uint8_t af, const uint8_t *a, char buf[64])
{
	if (!inet_ntop(af == 4 ? AF_INET : AF_INET6, a, buf, 64))
		buf[0] = '\0';
}

static const char *const encap_names[ENCAP_TYPES] = {
	[ENCAP_NONE] = "unknown", [ENCAP_IPIP] = "ip-in-ip", [ENCAP_6IN4] = "6in4",
	[ENCAP_6TO4] = "6to4", [ENCAP_4IN6] = "4in6", [ENCAP_GRE] = "gre",
	[ENCAP_ERSPAN] = "erspan", [ENCAP_VXLAN] = "vxlan", [ENCAP_VXLAN_GPE] = "vxlan-gpe",
	[ENCAP_GENEVE] = "geneve", [ENCAP_GTPU] = "gtp-u", [ENCAP_TEREDO] = "teredo",
	[ENCAP_NSH] = "nsh", [ENCAP_MPLS] = "mpls", [ENCAP_PPP] = "ppp",
	[ENCAP_PPPOE] = "pppoe", [ENCAP_CAPWAP] = "capwap", [ENCAP_IEEE80211] = "ieee802.11",
};

/* The identifiers of one layer, by type (FIELDS.md, tlstap.encapsulation). */
static void encap_ids(struct jw *w, const struct encap_layer *l)
{
	static const char *const radio[] = { NULL, "radiotap", "prism", "avs" };
	bool id = l->flags & ENCAP_F_ID, id2 = l->flags & ENCAP_F_ID2;
	char ip[64];

	switch (l->type) {
	case ENCAP_GRE:
		jw_uint(w, "version", l->sub & 7);
		if (id && (l->sub & 7) == 1)
			jw_uint(w, "call_id", l->id);
		else if (id)
			jw_uint(w, "key", l->id);
		if (id && (l->sub & ENCAP_GRE_TEB)) {
			jw_uint(w, "vsid", l->id >> 8);
			jw_uint(w, "flow_id", l->id & 0xff);
		}
		break;
	case ENCAP_ERSPAN:
		jw_uint(w, "erspan_type", l->sub);
		if (id)
			jw_uint(w, "session_id", l->id);
		if (id2)
			jw_uint(w, "original_vlan", l->id2);
		break;
	case ENCAP_VXLAN: case ENCAP_VXLAN_GPE: case ENCAP_GENEVE:
		if (id)
			jw_uint(w, "vni", l->id);
		if (l->type == ENCAP_VXLAN_GPE)
			jw_uint(w, "next_protocol", l->sub);
		if (l->type == ENCAP_GENEVE && l->id2) {
			jw_uint(w, "options", l->id2);
			jw_uint(w, "options_length", l->sub);
		}
		break;
	case ENCAP_GTPU:
		jw_uint(w, "teid", l->id);
		if (id2)
			jw_uint(w, "qfi", l->id2);
		break;
	case ENCAP_TEREDO:
		if (l->flags & ENCAP_F_AUTH)
			jw_bool(w, "authentication", true);
		if (l->flags & ENCAP_F_ORIGIN) {
			uint8_t a[4] = { (uint8_t)(l->id2 >> 24), (uint8_t)(l->id2 >> 16),
					 (uint8_t)(l->id2 >> 8), (uint8_t)l->id2 };
			ip_text(4, a, ip);
			jw_open(w, "origin", '{');
			jw_name(w, "ip", ip);
			jw_uint(w, "port", l->id);
			jw_close(w, true);
		}
		break;
	case ENCAP_NSH:
		jw_uint(w, "spi", l->id);
		jw_uint(w, "si", l->id2);
		jw_uint(w, "next_protocol", l->sub);
		break;
	case ENCAP_MPLS:
		jw_uint(w, "label", l->id);
		jw_uint(w, "labels", l->sub);
		if (id2)
			jw_uint(w, "bottom_label", l->id2);
		if (l->flags & ENCAP_F_CW)
			jw_bool(w, "control_word", true);
		break;
	case ENCAP_PPPOE:
		jw_uint(w, "session_id", l->id);
		break;
	case ENCAP_CAPWAP:
		jw_uint(w, "wbid", l->sub);
		break;
	case ENCAP_IEEE80211:
		if (l->sub && l->sub < sizeof radio / sizeof radio[0])
			jw_name(w, "radio_header", radio[l->sub]);
		break;
	}
}

/* tlstap.encapsulation, into the open tlstap object: how the connection
 * travelled, outermost layer first, as on the client's packets (the
 * server's, addresses swapped, when the client sent none).  Nothing for a
 * connection that was not tunnelled. */
void emit_encap(struct jw *w, const struct flow_info *fi, int client)
{
	const struct encap_chain *ch = fi->encap[client];
	bool swap = false;
	char ip[64], vid[24];

	if (!ch) {
		ch = fi->encap[!client];
		swap = true;
	}
	if (!ch || !ch->n)
		return;
	jw_open(w, "encapsulation", '[');
	for (unsigned i = 0; i < ch->n && i < ENCAP_MAX; i++) {
		const struct encap_layer *l = &ch->l[i];
		jw_open(w, NULL, '{');
		jw_name(w, "type", l->type < ENCAP_TYPES ? encap_names[l->type] : "unknown");
		if (l->af) {
			ip_text(l->af, swap ? l->dst : l->src, ip);
			jw_open(w, "source", '{');
			jw_name(w, "ip", ip);
			jw_close(w, true);
			ip_text(l->af, swap ? l->src : l->dst, ip);
			jw_open(w, "destination", '{');
			jw_name(w, "ip", ip);
			jw_close(w, true);
		}
		encap_ids(w, l);
		if (l->flags & ENCAP_F_VLAN) {
			jw_open(w, "vlan", '{');
			jw_strn(w, "id", vid, jw_utoa(l->vlan, vid));
			jw_close(w, true);
		}
		jw_close(w, true);
	}
	jw_close(w, true);
}
